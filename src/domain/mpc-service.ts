// The emulated MPC backend: one method per vendor operation, named after it, over the store, the clock, the
// lifecycle and outcome settings. Routes translate HTTP to these calls and back; the control plane steers the
// same object (clock, lifecycle, outcomes, advancing a task). Nothing here knows HTTP.
import { SHARED_PROJECT, type ProgressRow, type TaskStore } from '../storage/task-store.js';
import type { MockClock } from './clock.js';
import { createLifecycle, enterState, CANCELED_DESCRIPTION, type Lifecycle } from './lifecycle.js';
import { LifecycleSettings, type EffectiveSetting, type LifecycleSetting } from './lifecycle-settings.js';
import { listTasks, type ListTasksParams, type TaskListPage } from './list-tasks.js';
import { formatMpcTime } from './mpc-time.js';
import { OutcomeRules } from './outcomes.js';
import { KIND_DOCUMENTS, type CreateRequest, type TaskPlan } from './task-documents.js';
import { taskKind, type TaskDocument, type TaskKind } from './task-kinds.js';
import { listThumbnailDetails, type ThumbnailDetailsPage, type ThumbnailDetailsParams } from './thumbnail-details.js';
import { resolveOutputs, type TranscodingRequest } from './transcoding-templates.js';
import { invalidParameter, operationFailed } from './vendor-errors.js';

export interface MpcServiceOptions {
  store: TaskStore;
  clock: MockClock;
  lifecycle?: LifecycleSettings;
  outcomes?: OutcomeRules;
  /** Refuse template ids the catalogue does not hold (SPEC 4.5), instead of taking plausible defaults. */
  strictTemplates?: boolean;
}

export interface CreatedTask {
  kind: TaskKind;
  task: TaskDocument;
  /** A synchronous snapshot is answered at once (200); every other create is queued (202). */
  synchronous: boolean;
}

export interface MpcService {
  readonly store: TaskStore;
  readonly clock: MockClock;
  readonly outcomes: OutcomeRules;
  listTasks(kind: TaskKind, projectId: string, params: ListTasksParams): TaskListPage;
  listThumbnailDetails(projectId: string, params: ThumbnailDetailsParams): ThumbnailDetailsPage;
  createTask(kind: TaskKind, projectId: string, request: CreateRequest): CreatedTask;
  cancelTask(kind: TaskKind, projectId: string, taskId: string): void;
  /** The control plane's step on: one created task, one state (SPEC 6.5). Undefined for an unknown task. */
  advanceTask(kind: TaskKind, projectId: string | undefined, taskId: string): TaskDocument | undefined;
  lifecycleSettings(): LifecycleSetting[];
  setLifecycle(setting: LifecycleSetting): LifecycleSetting[];
  clearLifecycle(projectId: string | undefined, kind: string | undefined): LifecycleSetting[];
}

export function createMpcService(options: MpcServiceOptions): MpcService {
  const { store, clock } = options;
  const settings = options.lifecycle ?? new LifecycleSettings();
  const outcomes = options.outcomes ?? new OutcomeRules();
  const lifecycle: Lifecycle = createLifecycle(store, clock, settings);

  /** A settings change counts from now for every task whose effective setting it changed. */
  const changeSettings = (change: () => void) => {
    const keyOf = (r: ProgressRow) => `${r.kind}|${r.projectId}|${r.taskId}`;
    const before = new Map<string, EffectiveSetting>(
      store.allProgress().map((r) => [keyOf(r), settings.effective(r.projectId, taskKind(r.kind).path)]),
    );
    lifecycle.settle();
    change();
    lifecycle.rebase((r) => before.get(keyOf(r))!);
    return settings.list();
  };

  return {
    store,
    clock,
    outcomes,

    listTasks(kind, projectId, params) {
      lifecycle.settle();
      const page = listTasks(store, kind, projectId, params);
      lifecycle.recordReads(kind, projectId, page.tasks);
      return page;
    },

    listThumbnailDetails(projectId, params) {
      lifecycle.settle();
      return listThumbnailDetails(store, projectId, params);
    },

    createTask(kind, projectId, request) {
      const documents = KIND_DOCUMENTS[kind.name];
      documents.check?.(request);
      const plan: TaskPlan = { outcome: outcomes.decide(kind, projectId, request.input.object), request };
      if (kind.name === 'transcoding') plan.outputs = resolveOutputs(request as TranscodingRequest, projectId, store, options.strictTemplates ?? false);
      lifecycle.settle();
      const taskId = store.nextTaskId();
      const now = clock.now();
      const first = { task_id: taskId, status: kind.states[0]!, create_time: formatMpcTime(new Date(now)) };
      const task: TaskDocument = { ...first, ...documents.initial(request, plan, taskId) };
      // SPEC 4.4: a synchronous snapshot is taken before the answer; the task is final when it is listed.
      const synchronous = kind.name === 'snapshot' && (request as { sync?: number }).sync === 1;
      if (synchronous) {
        const path = plan.outcome.outcome === 'fail' ? 'FAILED' : plan.outcome.outcome === 'cancel' ? 'CANCELED' : kind.succeededStatus;
        const done = enterState(kind, task, plan, path, now);
        store.insertTask({ kind: kind.name, projectId, task: done });
        return { kind, task: done, synchronous };
      }
      return { kind, task: lifecycle.start(kind, projectId, task, plan), synchronous };
    },

    cancelTask(kind, projectId, taskId) {
      lifecycle.settle();
      store.transaction(() => {
        const own = store.getTask(kind.name, projectId, taskId);
        if (!own) {
          const shared = store.getTask(kind.name, SHARED_PROJECT, taskId);
          if (!shared) throw invalidParameter(`task_id ${taskId} does not exist`);
          if (kind.finalStatuses.includes(shared.status)) throw operationFailed(`task ${taskId} is already ${shared.status}`);
          // Deviation: the real service cancels it. Shared fixture tasks are seen by every project (SPEC 1.2), so
          // cancelling one for one project would change it for all; the mock refuses instead.
          throw operationFailed(`task ${taskId} is a shared fixture task, which the mock keeps as written; create a task to cancel it`);
        }
        if (kind.finalStatuses.includes(own.status)) throw operationFailed(`task ${taskId} is already ${own.status}`);
        const canceled: TaskDocument = { ...own, status: 'CANCELED', end_time: formatMpcTime(new Date(clock.now())), description: CANCELED_DESCRIPTION };
        store.updateTask(kind.name, projectId, canceled);
        lifecycle.forget(kind, projectId, taskId);
      });
    },

    advanceTask(kind, projectId, taskId) {
      lifecycle.settle();
      const owner = projectId ?? SHARED_PROJECT;
      const task = store.getTask(kind.name, owner, taskId);
      if (!task) return undefined;
      if (kind.finalStatuses.includes(task.status)) throw operationFailed(`task ${taskId} is already ${task.status}`);
      const moved = lifecycle.advance(kind, owner, taskId);
      if (!moved) throw operationFailed(`task ${taskId} does not progress: fixture tasks and tasks added through the control plane stay as written`);
      return moved;
    },

    lifecycleSettings: () => settings.list(),
    setLifecycle: (setting) => changeSettings(() => settings.set(setting)),
    clearLifecycle(projectId, kind) {
      if (projectId === undefined && kind === undefined) throw invalidParameter('project_id or kind is required: the global setting cannot be removed');
      return changeSettings(() => settings.clear(projectId, kind));
    },
  };
}
