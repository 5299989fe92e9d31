import { parentPort, workerData } from 'node:worker_threads';
import { generate, type Kind, type SeedPlan } from './generate.js';

/** A seed worker: generates the ranges it is sent and posts the rows back to the thread that writes them. */
const plan = (workerData as { plan: SeedPlan }).plan;
parentPort!.on('message', (task: { kind: Kind; from: number; to: number }) => {
  parentPort!.postMessage({ task, batch: generate(plan, task.kind, task.from, task.to) });
});
parentPort!.postMessage({ ready: true });
