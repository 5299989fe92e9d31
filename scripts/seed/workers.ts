import { Worker } from 'node:worker_threads';
import type { Batch, Kind, SeedPlan } from './generate.js';

export interface Task {
  kind: Kind;
  from: number;
  to: number;
}

/**
 * Starts a worker thread running a TypeScript module. Node 20 does not pass tsx's loader hooks on to
 * worker threads, so the thread registers tsx itself before importing the module.
 */
function tsWorker(entry: URL, workerData: unknown): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * Generates `tasks` on `count` worker threads, at most two tasks ahead per worker, and hands each batch
 * to `consume` (on this thread) as it arrives. Resolves when every task is consumed.
 */
export async function runOnWorkers(plan: SeedPlan, count: number, tasks: Task[], consume: (task: Task, batch: Batch) => void): Promise<void> {
  const queue = [...tasks];
  const workers = Array.from({ length: Math.max(1, count) }, () => tsWorker(new URL('./worker.ts', import.meta.url), { plan }));
  let pending = tasks.length;
  try {
    await new Promise<void>((resolve, reject) => {
      if (pending === 0) resolve();
      const feed = (worker: Worker) => {
        const task = queue.shift();
        if (task) worker.postMessage(task);
      };
      for (const worker of workers) {
        worker.on('error', reject);
        worker.on('message', (message: { ready?: true; task?: Task; batch?: Batch }) => {
          if (message.ready) {
            feed(worker);
            feed(worker);
            return;
          }
          try {
            consume(message.task!, message.batch!);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          feed(worker);
          if (--pending === 0) resolve();
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
