/**
 * Where the product reads a secret named by configuration (an integration's outbound_secret_env): the
 * environment, and before it a few values held in memory only. The chat simulator keeps its box secret here:
 * a new random one at every start, never written to disk or to the environment of child processes.
 */
export class SecretSource {
  private readonly held = new Map<string, string>();

  constructor(private readonly environment: (name: string) => string | undefined = (name) => process.env[name]) {}

  /** Holds `value` under `name` for this process's life (replacing what was held). */
  hold(name: string, value: string): void {
    this.held.set(name, value);
  }

  get(name: string): string | undefined {
    return this.held.get(name) ?? this.environment(name);
  }
}
