import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedSummary } from '../../scripts/seed.js';
import { REPO } from '../lib/child.js';
import { byHowMuch, fmt, verdict, type BenchContext, type ScenarioResult } from '../lib/scenario.js';

const GOAL_SECONDS_AT_1M = 120;

export function readSeedInfo(dataDir: string): SeedSummary | undefined {
  const file = join(dataDir, 'seed-info.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SeedSummary) : undefined;
}

/** `npm run seed -- --contacts N --fresh` in its own process, into the bench's data directory. */
export async function seed(context: BenchContext, contacts: number): Promise<ScenarioResult> {
  const existing = readSeedInfo(context.dataDir);
  let reused = false;
  if (context.config.reuseSeed && existing?.contacts === contacts && existsSync(join(context.dataDir, 'customer-card.sqlite'))) {
    context.log(`seed: reusing ${context.dataDir} (seeded ${existing.finishedAt})`);
    reused = true;
  } else {
    context.log(`seed: ${fmt(contacts)} contacts into ${context.dataDir}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'seed.ts'), '--contacts', String(contacts), '--data-dir', context.dataDir, '--fresh'], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) context.log(`seed: ${line.trim()}`);
      });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited with ${code}`))));
    });
  }
  const info = readSeedInfo(context.dataDir)!;
  const scenario = `seed ${fmt(contacts)} contacts`;
  const atScale = contacts >= 1_000_000;
  // The goal is for a million contacts; a smaller seed is reported without a verdict.
  const goal = atScale ? GOAL_SECONDS_AT_1M * (contacts / 1_000_000) : undefined;
  const v = goal ? verdict(info.seconds, goal) : 'info';
  return {
    slug: 'seed',
    title: `Seed: ${fmt(contacts)} contacts with accounts, cases, activities and leads`,
    rows: [
      {
        scenario,
        figure: `time (${fmt(info.records)} records, ${fmt(info.keys)} keys)${reused ? `, seeded ${info.finishedAt}` : ''}`,
        value: `${fmt(info.seconds)} s = ${fmt(info.contactsPerSecond)} contacts/s`,
        goal: goal ? `≤ ${fmt(goal)} s` : '(1M: ≤ 120 s)',
        verdict: v,
      },
    ],
    misses: v === 'missed' ? [{ scenario, figure: 'time', by: byHowMuch(info.seconds, goal!, 'max', 's'), dominates: 'see scripts/seed.ts progress output' }] : [],
    figures: { ...info, reused },
  };
}
