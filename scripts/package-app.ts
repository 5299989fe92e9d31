/**
 * npm run package [-- --env <name>]
 *
 * Builds appPackage/build/appPackage.<env>.zip from appPackage/manifest.json, env/.env.<env>,
 * env/.env.<env>.user and the environment. Validates offline; exits 1 on any problem.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PackageAppError, packageApp } from './appPackage/packageApp.js';

const USAGE = 'usage: npm run package -- [--env <name>]   (default env: local; reads env/.env.<name>)';

function parseArgs(argv: string[]): { envName: string } | { help: true } {
  let envName = 'local';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--env' || arg === '-e') {
      const value = argv[++i];
      if (!value || value.startsWith('-')) throw new Error(`${arg} needs a value`);
      envName = value;
    } else if (arg.startsWith('--env=')) {
      envName = arg.slice('--env='.length);
    } else {
      throw new Error(`unknown argument "${arg}"`);
    }
  }
  return { envName };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if ('help' in args) {
    console.log(USAGE);
    return 0;
  }
  const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const result = await packageApp({ rootDir, envName: args.envName, processEnv: process.env });
    const rel = (p: string) => path.relative(process.cwd(), p) || p;
    console.log(`Teams app package for env "${args.envName}"`);
    console.log(`  env files: ${result.env.filesRead.join(', ')}${result.env.filesRead.includes(result.env.userFile) ? '' : ` (no ${result.env.userFile})`}`);
    console.log(`  manifest:  valid against ${String(result.manifest.$schema)} (bundled schema, checked offline)`);
    console.log(`  files:     ${result.files.map((f) => f.name).join(', ')}`);
    console.log(`  preview:   ${rel(result.manifestPath)}`);
    console.log(`Wrote ${rel(result.zipPath)}`);
    return 0;
  } catch (e) {
    if (e instanceof PackageAppError) {
      const what = { env: 'Cannot read the environment', placeholders: 'Cannot fill the manifest', manifest: 'The app package is not valid' }[e.stage];
      console.error(`${what} (env "${args.envName}"), ${e.problems.length} problem(s):`);
      for (const problem of e.problems) console.error(`  - ${problem}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main();
