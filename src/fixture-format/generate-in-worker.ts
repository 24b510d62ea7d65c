// Generated tasks for seeding a store, made in a worker thread (generate-worker.ts). Faker takes about two
// thirds of the time it takes to seed a million tasks and SQLite the rest; in a worker the two run at once, on
// two cores. The batches hold exactly what generateTasks yields, in its order, serialised as the store would
// serialise them (test/fixtures.test.ts compares a store seeded either way).
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { TaskKindName } from '../domain/tasks/task-kinds.js';
import type { TaskRowBatch } from '../storage/tasks/task-store.js';
import type { GenerateOptions } from './generate-fixtures.js';

export interface GenerateWorkerData {
  options: GenerateOptions;
  /** Tasks per batch; a batch also ends where a kind does. */
  batchSize: number;
  /** Batches posted and not yet taken by the main thread, at most. */
  ahead: number;
  /** control[CONSUMED]: the batches the main thread has taken; it raises the count and notifies. */
  control: Int32Array;
  port: MessagePort;
}

export interface BatchMessage {
  type: 'batch';
  kind: TaskKindName;
  taskIds: string[];
  statuses: string[];
  createTimes: string[];
  docs: string[];
  inputBuckets: Array<string | undefined>;
}

export type GenerateWorkerMessage = BatchMessage | { type: 'done' } | { type: 'error'; message: string; stack?: string };

export const CONSUMED = 0;

/**
 * Small batches by default: their strings die young in both threads' heaps. Batches of 4,096 tasks outlived
 * the young generation, doubled the peak RSS of generation and slowed the worker by a tenth.
 */
export interface RowBatchTuning {
  /** Tasks per batch (512). */
  batchSize?: number;
  /** Batches the worker may have posted and the caller not yet taken (8). */
  ahead?: number;
}

function startWorker(data: GenerateWorkerData): Worker {
  // The generator keeps about 20 MB live, and nothing grows with the count; left to itself, V8 lets the
  // worker's heap fill with 100 MB and more of garbage before it collects. Capped, generating 390,000 tasks
  // peaks at 215 MB of RSS instead of 290, for the same worker CPU within the noise (5%).
  const options = { workerData: data, transferList: [data.port], resourceLimits: { maxOldGenerationSizeMb: 96 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./generate-worker.js', import.meta.url), options);
  // Run from the TypeScript sources (the tests, tsx): the worker has no loader for .ts files of its own, and
  // Node 20 ignores --import in a worker's execArgv, so it loads tsx's before its entry module.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./generate-worker.ts', import.meta.url).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsx)});\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}

/**
 * generateTasks' tasks, serialised, in batches made by a worker thread while the caller stores the previous
 * ones. The worker stays a few batches ahead and no further, so memory does not grow with the count. Ending the
 * iteration early (a failed insert) stops the worker.
 */
export async function* generateRowBatches(options: GenerateOptions, tuning: RowBatchTuning = {}): AsyncGenerator<TaskRowBatch> {
  const control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const worker = startWorker({ options, batchSize: tuning.batchSize ?? 512, ahead: tuning.ahead ?? 8, control, port: port2 });
  const queue: GenerateWorkerMessage[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  port1.on('message', (message: GenerateWorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', () => {
    // Its last messages may still be on their way to the listener: take them now, before judging.
    for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) queue.push(m.message as GenerateWorkerMessage);
    exited = true;
    notify();
  });
  let taken = 0;
  try {
    for (;;) {
      const message = queue.shift();
      if (message === undefined) {
        if (failure) throw failure;
        if (exited) throw new Error('the generator worker stopped before it had generated every task');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      Atomics.store(control, CONSUMED, ++taken);
      Atomics.notify(control, CONSUMED);
      if (message.type === 'done') return;
      if (message.type === 'error') throw Object.assign(new Error(`generating tasks failed: ${message.message}`), { stack: message.stack });
      yield { kind: message.kind, projectId: options.projectId ?? null, taskIds: message.taskIds, statuses: message.statuses, createTimes: message.createTimes, docs: message.docs, inputBuckets: message.inputBuckets };
    }
  } finally {
    port1.close();
    await worker.terminate();
  }
}
