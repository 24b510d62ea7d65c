// The one state machine of created tasks (SPEC 4.3), for every kind. Nothing runs on a timer: a task's
// state is brought up to date from the injected clock and its read count whenever the vendor API or the
// control plane is about to look at tasks (`settle`), in one pass over the tasks that are due, found by an
// index. So a list filtered by status, its total and its order see every task's current state, exactly as a
// poll of one task does.
import type { ProgressRow, TaskStore } from '../../storage/tasks/task-store.js';
import type { Clock } from '../steering/clock.js';
import type { LifecycleSettings, EffectiveSetting } from './lifecycle-settings.js';
import { formatMpcTime } from '../mpc-time.js';
import type { Transition } from '../notifications/notifications.js';
import type { Outcome } from './outcomes.js';
import { KIND_DOCUMENTS, type TaskPlan } from './task-documents.js';
import { taskKind, type TaskDocument, type TaskKind } from './task-kinds.js';
import type { TaskIo } from '../objects/task-io.js';

/** A due time that is always past: the task moves at the next settlement, whatever the clock says. */
export const DUE_NOW = Number.MIN_SAFE_INTEGER;

export const AUDIT_STATUS = 'NEED_TO_BE_AUDIT';
export const CANCELED_DESCRIPTION = 'The task has been canceled.';

/** The states a task with this outcome moves through, in order; the last is final (or held, for audit). */
export function pathOf(kind: TaskKind, outcome: Outcome): string[] {
  const states = [...kind.states];
  const last = states.length - 1;
  switch (outcome.outcome) {
    case 'fail':
      return [...states.slice(0, last), 'FAILED'];
    case 'cancel':
      return [...states.slice(0, last), 'CANCELED'];
    case 'audit':
      // Held for review after the queue; moved on by hand, it transcodes and succeeds.
      return [states[0]!, AUDIT_STATUS, ...states.slice(1)];
    default:
      return states;
  }
}

/** When a task in this state moves on under this setting: a clock time, DUE_NOW, or null (reads or a hand). */
export function dueAt(setting: EffectiveSetting, status: string, enteredAt: number, reads: number): number | null {
  if (status === AUDIT_STATUS) return null;
  switch (setting.mode) {
    case 'immediate':
      return DUE_NOW;
    case 'time':
      return enteredAt + Math.round(setting.secondsPerState * 1000);
    case 'reads':
      return reads >= setting.readsPerState ? DUE_NOW : null;
    case 'manual':
      return null;
  }
}

/** The document of a task entering a state at a time: status, times, and on a final state its outcome. */
export function enterState(kind: TaskKind, task: TaskDocument, plan: TaskPlan, status: string, at: number, written?: Record<string, unknown>): TaskDocument {
  const next: TaskDocument = { ...task, status };
  const running = kind.states[kind.states.length - 2];
  if (status === running) {
    // Deviation: the real service reports its true progress; the mock says half way while running.
    if (kind.progressField) next[kind.progressField] = 50;
    if (kind.startTimeWhenRunning) next.start_time = formatMpcTime(new Date(at));
  }
  if (!kind.finalStatuses.includes(status)) return next;
  next.end_time = formatMpcTime(new Date(at));
  // `written`: the success fields as the object store made them true (the files' real sizes).
  if (status === kind.succeededStatus) return { ...next, ...(written ?? KIND_DOCUMENTS[kind.name].succeeded(next, plan)) };
  if (status === 'FAILED') {
    const failure = { ...kind.defaultFailure, ...plan.outcome };
    if (kind.hasErrorCode) next.error_code = failure.error_code;
    next.description = failure.description;
  }
  if (status === 'CANCELED') next.description = plan.outcome.description ?? CANCELED_DESCRIPTION;
  return next;
}

export interface Lifecycle {
  /** Brings every task that is due up to date with the clock. Run before anything reads tasks. */
  settle(): void;
  /** Counts one read of each task in an answer of the vendor API (reads mode moves them at the next one). */
  recordReads(kind: TaskKind, projectId: string, tasks: ReadonlyArray<{ task_id: string; status: string }>): void;
  /** Starts a created task's progress (or finishes it at once in immediate mode). Answers its document. */
  start(kind: TaskKind, projectId: string, task: TaskDocument, plan: TaskPlan): TaskDocument;
  /**
   * Puts a task that exists back on its path at `step` (a retried remux, at WAITING) with a new plan: its
   * document is replaced and it progresses again as if it had just entered that state.
   */
  restart(kind: TaskKind, projectId: string, task: TaskDocument, plan: TaskPlan, step: number): TaskDocument;
  /** Moves a created task one state on, whatever the mode. Undefined when it has no progress. */
  advance(kind: TaskKind, projectId: string, taskId: string): TaskDocument | undefined;
  /** Stops a task's progress (it was canceled). */
  forget(kind: TaskKind, projectId: string, taskId: string): void;
  /** After the settings changed: every task in progress whose setting changed counts from now. */
  rebase(before: (row: ProgressRow) => EffectiveSetting): void;
  /**
   * A task held for the object store (task-io.ts) is due again, at the time it was due, and moves on at once.
   * False when it is no longer held (canceled, removed, reset meanwhile).
   */
  resume(kind: TaskKind, projectId: string, taskId: string): boolean;
  /** Every held task due again: at start, since whatever it waited for was in the process that stopped. */
  resumeAll(): void;
}

type HeldPlan = { heldDueAt?: number };

/**
 * `onTransition` hears every state change a created task makes here, in the order made (event notifications
 * are computed from it); it runs inside the store's transaction and must not throw.
 */
export function createLifecycle(
  store: TaskStore,
  clock: Clock,
  settings: LifecycleSettings,
  onTransition: (t: Transition) => void = () => {},
  /** Asked before every state change: the object store's say (src/domain/objects/task-io.ts), when there is one. */
  gate?: TaskIo['gate'],
): Lifecycle {
  const settingOf = (row: { kind: string; projectId: string }) => settings.effective(row.projectId, taskKind(row.kind as never).path);

  /** Moves one task on from `row` as far as the clock (or `steps`) says; writes the task and its progress. */
  const step = (row: ProgressRow, now: number, steps: number | 'due'): TaskDocument | undefined => {
    const kind = taskKind(row.kind);
    const plan = row.plan as TaskPlan & { path: string[] };
    let task = store.getTask(kind.name, row.projectId, row.taskId);
    if (!task) {
      store.deleteProgress(kind.name, row.projectId, row.taskId);
      return undefined;
    }
    let current: ProgressRow | undefined = row;
    let moved = 0;
    let held = false;
    while (current && (steps === 'due' ? current.dueAt !== null && current.dueAt <= now : moved < steps)) {
      // A due time on the clock is when the state changed (so times are exact however late the read);
      // a task moved by reads or by hand changes now.
      // Never before the state it leaves: a clock set back does not make a task end before it began.
      const at: number = Math.max(current.enteredAt, steps === 'due' && current.dueAt !== DUE_NOW ? current.dueAt! : now);
      const index: number = current.step + 1;
      let status = plan.path[index]!;
      let entered = plan;
      const answer = gate?.(kind, row.projectId, task, status, plan) ?? 'pass';
      // Held: the task stays where it is until the store has answered (then `resume` makes it due again).
      if (answer === 'hold') {
        held = true;
        break;
      }
      let written: Record<string, unknown> | undefined;
      if (answer !== 'pass' && 'fail' in answer) {
        // The store failed the task here (a missing input, a write refused): it ends FAILED instead.
        status = 'FAILED';
        entered = { ...plan, outcome: answer.fail };
      } else if (answer !== 'pass') {
        written = answer.written;
      }
      const from = task.status;
      task = enterState(kind, task, entered, status, at, written);
      onTransition({ kind, projectId: row.projectId, from, task, at });
      moved++;
      if (index === plan.path.length - 1 || status === 'FAILED') {
        current = undefined;
      } else {
        current = { ...current, step: index, enteredAt: at, reads: 0 };
        current.dueAt = dueAt(settingOf(current), status, at, 0);
      }
    }
    if (held && current) {
      // Not due while it waits (the delivery timer would spin on a due time in the past): the due time is kept in
      // the plan, for the change to be made at it, exactly, once the store has answered.
      const heldDueAt = steps === 'due' && current.dueAt !== null ? current.dueAt : DUE_NOW;
      current = { ...current, dueAt: null, plan: { ...(current.plan as object), heldDueAt } };
    }
    if (moved > 0) store.updateTask(kind.name, row.projectId, task);
    if (current) store.putProgress(current);
    else store.deleteProgress(kind.name, row.projectId, row.taskId);
    return task;
  };

  const settle = () => {
    const now = clock.now();
    const due = store.dueProgress(now);
    if (due.length === 0) return;
    store.transaction(() => {
      for (const row of due) step(row, now, 'due');
    });
  };

  return {
    settle,

    recordReads(kind, projectId, tasks) {
      // Reads matter only in reads mode; a setting changed to it later counts from then on (rebase).
      if (!settings.countsReads()) return;
      const open = tasks.filter((t) => !kind.finalStatuses.includes(t.status)).map((t) => t.task_id);
      if (open.length === 0) return;
      store.transaction(() => {
        for (const row of store.countReads(kind.name, projectId, open)) {
          const due = dueAt(settingOf(row), (row.plan as { path: string[] }).path[row.step]!, row.enteredAt, row.reads);
          if (due !== row.dueAt) store.putProgress({ ...row, dueAt: due });
        }
      });
    },

    start(kind, projectId, task, plan) {
      const now = clock.now();
      const path = pathOf(kind, plan.outcome);
      const row: ProgressRow = {
        kind: kind.name,
        projectId,
        taskId: task.task_id,
        step: 0,
        enteredAt: now,
        dueAt: null,
        reads: 0,
        plan: { ...plan, path },
      };
      row.dueAt = dueAt(settingOf(row), path[0]!, now, 0);
      return store.transaction(() => {
        store.insertTask({ kind: kind.name, projectId, task });
        store.putProgress(row);
        // Immediate mode: the task is final before anyone can read it.
        return row.dueAt === DUE_NOW ? step(row, now, 'due')! : task;
      });
    },

    restart(kind, projectId, task, plan, stepIndex) {
      const now = clock.now();
      const path = pathOf(kind, plan.outcome);
      const row: ProgressRow = { kind: kind.name, projectId, taskId: task.task_id, step: stepIndex, enteredAt: now, dueAt: null, reads: 0, plan: { ...plan, path } };
      row.dueAt = dueAt(settingOf(row), path[stepIndex]!, now, 0);
      return store.transaction(() => {
        store.updateTask(kind.name, projectId, task);
        store.putProgress(row);
        return row.dueAt === DUE_NOW ? step(row, now, 'due')! : task;
      });
    },

    advance(kind, projectId, taskId) {
      return store.transaction(() => {
        const row = store.getProgress(kind.name, projectId, taskId);
        return row ? step(row, clock.now(), 1) : undefined;
      });
    },

    forget(kind, projectId, taskId) {
      store.deleteProgress(kind.name, projectId, taskId);
    },

    resume(kind, projectId, taskId) {
      const resumed = store.transaction(() => {
        const row = store.getProgress(kind.name, projectId, taskId);
        const heldDueAt = (row?.plan as HeldPlan | undefined)?.heldDueAt;
        if (!row || heldDueAt === undefined) return false;
        const { heldDueAt: _, ...plan } = row.plan as HeldPlan & Record<string, unknown>;
        store.putProgress({ ...row, dueAt: heldDueAt, plan });
        return true;
      });
      settle();
      return resumed;
    },

    resumeAll() {
      store.transaction(() => {
        for (const row of store.allProgress()) {
          const heldDueAt = (row.plan as HeldPlan).heldDueAt;
          if (heldDueAt === undefined) continue;
          const { heldDueAt: _, ...plan } = row.plan as HeldPlan & Record<string, unknown>;
          store.putProgress({ ...row, dueAt: heldDueAt, plan });
        }
      });
    },

    rebase(before) {
      const now = clock.now();
      store.transaction(() => {
        for (const row of store.allProgress()) {
          const was = before(row);
          const is = settingOf(row);
          if (was.mode === is.mode && was.secondsPerState === is.secondsPerState && was.readsPerState === is.readsPerState) continue;
          const status = (row.plan as { path: string[] }).path[row.step]!;
          store.putProgress({ ...row, enteredAt: now, reads: 0, dueAt: dueAt(is, status, now, 0) });
        }
      });
    },
  };
}
