/** A configuration value that stops the start, named with what is wrong (see config.ts). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
