// What a task does with the object store (SPEC 11.2), as gates on its state changes: before a task starts (enters
// its running state), its input must exist; a missing object or bucket FAILS it there with MPC.10053, and a store
// that errors fails it with MPC.10210 (logged, never a 5xx). The store is asynchronous and the lifecycle is not: a
// gate that has no answer yet holds the task where it is and asks the store, and when the answer comes the
// task is resumed, so it moves on at once. Nothing is remembered across a restart: a held task asks again.
import type { ObjectStore } from '../../storage/objects/object-store.js';
import type { Outcome } from '../tasks/outcomes.js';
import { KIND_DOCUMENTS, type TaskPlan } from '../tasks/task-documents.js';
import type { TaskKind } from '../tasks/task-kinds.js';

/** What a gate says of a state change: go on, wait, or fail the task instead with this outcome. */
export type GateAnswer = 'pass' | 'hold' | { fail: Outcome };

export type GateLog = (details: Record<string, unknown>, message: string) => void;

export const INPUT_MISSING: Outcome = { outcome: 'fail', error_code: 'MPC.10053', description: 'The input file does not exist.' };
export const STORE_FAILED: Outcome = { outcome: 'fail', error_code: 'MPC.10210', description: 'Failed to obtain the input file from OBS.' };

export interface TaskIo {
  /** Whether the task may enter `status` now (lifecycle.ts asks before every state change). */
  gate(kind: TaskKind, projectId: string, taskId: string, status: string, plan: TaskPlan): GateAnswer;
}

export function createTaskIo(objects: ObjectStore, answered: (kind: TaskKind, projectId: string, taskId: string) => void, log: () => GateLog): TaskIo {
  /** Answers found, or being found, by task and state. */
  const answers = new Map<string, GateAnswer>();

  const checkInput = async (kind: TaskKind, plan: TaskPlan, where: Record<string, unknown>): Promise<GateAnswer> => {
    // Deviation: a task of several inputs (an editing job's clips, a channel merge's files) is checked by its first,
    // the one its outcome rules look at.
    const input = KIND_DOCUMENTS[kind.name].input(plan.request);
    if (!input) return 'pass';
    try {
      return (await objects.head(input.bucket, input.object)) ? 'pass' : { fail: INPUT_MISSING };
    } catch (error) {
      log()({ ...where, bucket: input.bucket, object: input.object, err: error }, 'the object store failed to read a task input; the task fails with MPC.10210');
      return { fail: STORE_FAILED };
    }
  };

  return {
    gate(kind, projectId, taskId, status, plan) {
      // Only the start reads the store (this step): the running state is the one before the last.
      if (status !== kind.states[kind.states.length - 2]) return 'pass';
      const key = `${kind.name}\u0000${projectId}\u0000${taskId}\u0000${status}`;
      const known = answers.get(key);
      if (known !== undefined) {
        // Taken once: a task that comes back to this state (a retried remux) asks again.
        if (known !== 'hold') answers.delete(key);
        return known;
      }
      answers.set(key, 'hold');
      void checkInput(kind, plan, { kind: kind.path, project_id: projectId, task_id: taskId }).then((answer) => {
        answers.set(key, answer);
        answered(kind, projectId, taskId);
      });
      return 'hold';
    },
  };
}
