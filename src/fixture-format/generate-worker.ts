// The worker side of generateRowBatches (generate-in-worker.ts): it runs the faker generator, the slow half of
// seeding a million tasks, and posts the tasks already serialised, a batch at a time, while the main thread
// writes the previous batches into SQLite. The tasks are generateTasks' own, in its order, each serialised
// with JSON.stringify exactly as the store serialises a task it is given.
import { workerData } from 'node:worker_threads';
import { generateTasks } from './generate-fixtures.js';
import { countedBucket } from '../storage/tasks/task-counts.js';
import { CONSUMED, type BatchMessage, type GenerateWorkerData, type GenerateWorkerMessage } from './generate-in-worker.js';

const { options, batchSize, ahead, control, port } = workerData as GenerateWorkerData;
let posted = 0;
const post = (message: GenerateWorkerMessage) => {
  // Stay at most `ahead` batches in front of the main thread, which wakes us as it takes each one: what waits
  // in the port is memory.
  for (let consumed = Atomics.load(control, CONSUMED); posted - consumed >= ahead; consumed = Atomics.load(control, CONSUMED)) {
    Atomics.wait(control, CONSUMED, consumed);
  }
  port.postMessage(message);
  posted++;
};

try {
  let batch: BatchMessage | undefined;
  for (const { kind, task } of generateTasks(options)) {
    if (batch !== undefined && (batch.kind !== kind.name || batch.docs.length >= batchSize)) {
      post(batch);
      batch = undefined;
    }
    batch ??= { type: 'batch', kind: kind.name, taskIds: [], statuses: [], createTimes: [], docs: [], inputBuckets: [] };
    batch.taskIds.push(task.task_id);
    // Read here, where the task is an object, so that the store need not parse the document back.
    batch.inputBuckets.push(countedBucket(kind.name, task));
    batch.statuses.push(task.status);
    batch.createTimes.push(task.create_time);
    batch.docs.push(JSON.stringify(task));
  }
  if (batch !== undefined) post(batch);
  post({ type: 'done' });
} catch (error) {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  port.postMessage({ type: 'error', message, ...(stack !== undefined ? { stack } : {}) } satisfies GenerateWorkerMessage);
}
