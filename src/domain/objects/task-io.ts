// What a task does with the object store (SPEC 11.2), as gates on its state changes:
// - before a task starts (enters its running state), its input must exist; a missing object or bucket FAILS it
//   there with MPC.10053;
// - before it SUCCEEDS, the files it reports are written where it reports them (task-files.ts), and it reports
//   their real sizes; an output bucket that does not exist fails it with MPC.10209 and nothing is left written.
// A store that errors fails the task with MPC.10210 (logged, never a 5xx). The store is asynchronous and the
// lifecycle is not: a gate that has no answer yet holds the task where it is and asks the store; when the answer
// comes the task is resumed, so it moves on at once, at the time it was due. Nothing is remembered across a
// restart: a held task asks again.
import type { Readable } from 'node:stream';
import { missingOf, type ObjectStore } from '../../storage/objects/object-store.js';
import { encodeImage, packTar } from '../../storage/objects/encode.js';
import type { Outcome } from '../tasks/outcomes.js';
import { inputsOf, KIND_DOCUMENTS, type TaskPlan } from '../tasks/task-documents.js';
import type { TaskDocument, TaskKind } from '../tasks/task-kinds.js';
import { TASK_FILES, type TaskFile } from './task-files.js';

/**
 * What a gate says of a state change: go on, wait, fail the task instead with this outcome, or go on with the
 * success fields the written files made true.
 */
export type GateAnswer = 'pass' | 'hold' | { fail: Outcome } | { written: Record<string, unknown> };

export type GateLog = (details: Record<string, unknown>, message: string) => void;

export const INPUT_MISSING: Outcome = { outcome: 'fail', error_code: 'MPC.10053', description: 'The input file does not exist.' };
export const OUTPUT_PATH_INVALID: Outcome = { outcome: 'fail', error_code: 'MPC.10209', description: 'Invalid input or output OBS path.' };
export const STORE_FAILED: Outcome = { outcome: 'fail', error_code: 'MPC.10210', description: 'Failed to obtain the input file from OBS.' };

export interface TaskIo {
  /** Whether the task may enter `status` now (lifecycle.ts asks before every state change). */
  gate(kind: TaskKind, projectId: string, task: TaskDocument, status: string, plan: TaskPlan): GateAnswer;
  /**
   * A synchronous create's whole run (a `sync: 1` snapshot or extraction), done while its request waits: the
   * input read, then, when it is to end in `status` SUCCEEDED, its files written. Answers the gates' answer.
   */
  finish(kind: TaskKind, projectId: string, task: TaskDocument, status: string, plan: TaskPlan): Promise<GateAnswer>;
}


/** What a task does with the store: read its inputs, write its files, take them back. Shared by both gates. */
export function taskStoreOps(objects: ObjectStore, log: () => GateLog) {
  /** Every input the task reads must be there (an editing job's clips, a channel merge's files: all of them). */
  const checkInput = async (kind: TaskKind, plan: TaskPlan, where: Record<string, unknown>): Promise<GateAnswer> => {
    for (const input of inputsOf(kind.name, plan.request)) {
      try {
        if (!(await objects.head(input.bucket, input.object))) return { fail: INPUT_MISSING };
      } catch (error) {
        log()({ ...where, bucket: input.bucket, object: input.object, err: error }, 'the object store failed to read a task input; the task fails with MPC.10210');
        return { fail: STORE_FAILED };
      }
    }
    return 'pass';
  };

  /** Writes one file; answers its size in bytes. */
  const write = async (file: TaskFile): Promise<number> => {
    const { content } = file;
    if (!('copyOf' in content)) {
      const bytes =
        'text' in content
          ? Buffer.from(content.text)
          : 'image' in content
            ? await encodeImage(content.image.format, content.image.width, content.image.height)
            : await packTar(await Promise.all(content.tar.map(async (p) => ({ name: p.name, bytes: await encodeImage(p.image.format, p.image.width, p.image.height) }))));
      await objects.put(file.bucket, file.key, bytes, bytes.length);
      return bytes.length;
    }
    const from = content.copyOf;
    const found = await objects.head(from.bucket, from.object);
    if (!found) throw Object.assign(new Error(`the input ${from.bucket}/${from.object} is gone`), { name: 'NoSuchKey' });
    // A stream from one object to the other: a 500 MB input never sits in memory.
    const body: Readable = await objects.get(from.bucket, from.object);
    await objects.put(file.bucket, file.key, body, found.size);
    return found.size;
  };

  /** The files a succeeding task reports, written; answers its success fields with their real sizes. */
  const writeOutputs = async (kind: TaskKind, task: TaskDocument, plan: TaskPlan, where: Record<string, unknown>): Promise<{ answer: GateAnswer; written: TaskFile[] }> => {
    const files = TASK_FILES[kind.name]!;
    const fields = KIND_DOCUMENTS[kind.name].succeeded(task, plan);
    const planned = files.files(fields, task, plan);
    const written: TaskFile[] = [];
    const bytes: number[] = [];
    try {
      for (const file of planned) {
        const size = await write(file);
        written.push(file);
        bytes[file.output] = (bytes[file.output] ?? 0) + size;
      }
      return { answer: { written: files.sized(fields, bytes) }, written };
    } catch (error) {
      await removeAll(written);
      const gone = missingOf(error);
      if (gone === 'bucket') return { answer: { fail: OUTPUT_PATH_INVALID }, written: [] };
      if (gone === 'key') return { answer: { fail: INPUT_MISSING }, written: [] };
      log()({ ...where, err: error }, 'the object store failed to write a task output; the task fails with MPC.10210');
      return { answer: { fail: STORE_FAILED }, written: [] };
    }
  };

  /** Nothing is left written for a task that did not succeed (SPEC 11.2). */
  const removeAll = async (files: ReadonlyArray<{ bucket: string; key: string }>) => {
    for (const f of files) await objects.remove(f.bucket, f.key).catch(() => undefined);
  };

  return { checkInput, writeOutputs, removeAll };
}

/** The gate key of a task's state change. */
export const gateKey = (kind: TaskKind, projectId: string, taskId: string, status: string) => `${kind.name}\u0000${projectId}\u0000${taskId}\u0000${status}`;

export function createTaskIo(objects: ObjectStore, answered: (kind: TaskKind, projectId: string, taskId: string) => boolean, log: () => GateLog): TaskIo {
  /** Answers found, or being found, by task and state. */
  const answers = new Map<string, GateAnswer>();
  const { checkInput, writeOutputs, removeAll } = taskStoreOps(objects, log);

  return {
    gate(kind, projectId, task, status, plan) {
      const starting = status === kind.states[kind.states.length - 2];
      const succeeding = status === kind.succeededStatus && TASK_FILES[kind.name] !== undefined;
      if (!starting && !succeeding) return 'pass';
      const key = gateKey(kind, projectId, task.task_id, status);
      const known = answers.get(key);
      if (known !== undefined) {
        // Taken once: a task that comes back to this state (a retried remux) asks again.
        if (known !== 'hold') answers.delete(key);
        return known;
      }
      answers.set(key, 'hold');
      const where = { kind: kind.path, project_id: projectId, task_id: task.task_id };
      const asked = starting ? checkInput(kind, plan, where).then((answer) => ({ answer, written: [] as TaskFile[] })) : writeOutputs(kind, task, plan, where);
      void asked.then(async ({ answer, written }) => {
        answers.set(key, answer);
        // Canceled (or removed, or reset) while the files were written: they go again.
        if (!answered(kind, projectId, task.task_id)) {
          answers.delete(key);
          await removeAll(written);
        }
      });
      return 'hold';
    },

    async finish(kind, projectId, task, status, plan) {
      const where = { kind: kind.path, project_id: projectId, task_id: task.task_id };
      const input = await checkInput(kind, plan, where);
      if (input !== 'pass' || status !== kind.succeededStatus || TASK_FILES[kind.name] === undefined) return input;
      return (await writeOutputs(kind, task, plan, where)).answer;
    },
  };
}
