// The emulated MPC backend: one method per vendor operation, named after it, over the store, the clock, the
// lifecycle and outcome settings. Routes translate HTTP to these calls and back; the control plane steers the
// same object (clock, lifecycle, outcomes, advancing a task). Nothing here knows HTTP.
import {
  SHARED_PROJECT,
  StoreClashError,
  taskOf,
  type ProgressRow,
  type StoredTask,
  type StoredTemplate,
  type StoredThumbnailDetails,
  type TaskStore,
} from '../storage/tasks/task-store.js';
import { FaultRules } from './steering/faults.js';
import { EventHub } from './steering/events.js';
import { taskTable, type TaskTableQuery } from './tasks/task-table.js';
import { Journal } from './steering/journal.js';
import type { MockClock } from './steering/clock.js';
import { createLifecycle, enterState, CANCELED_DESCRIPTION, type Lifecycle } from './tasks/lifecycle.js';
import { LifecycleSettings, type EffectiveSetting, type LifecycleSetting } from './tasks/lifecycle-settings.js';
import { AnswerCache } from './tasks/answer-cache.js';
import { AuthSettings } from './auth/auth.js';
import { listTasks, type ListTasksParams, type TaskListPage } from './tasks/list-tasks.js';
import { formatMpcTime } from './mpc-time.js';
import { OutcomeRules } from './tasks/outcomes.js';
import { KIND_DOCUMENTS, type CreateRequest, type TaskPlan } from './tasks/task-documents.js';
import { TASK_KINDS, taskKind, type TaskDocument, type TaskKind } from './tasks/task-kinds.js';
import { listThumbnailDetails, type ThumbnailDetailsPage, type ThumbnailDetailsParams } from './tasks/thumbnail-details.js';
import { checkOnlySizesDiffer, resolveOutputs, type TranscodingRequest, type TransTemplate } from './templates/transcoding-templates.js';
import { invalidParameter, notFinal, operationFailed, operationForbidden, taskDoesNotExist } from './vendor-errors.js';
import { statSummary, taskDetailInfo, type StatType, type TaskDetailInfo } from './tasks/transcoding-reads.js';
import type { components } from '../contract/mpc-api.generated.js';
import * as customTemplates from './templates/custom-templates.js';
import * as templateGroups from './templates/template-groups.js';
import * as watermarkTemplates from './templates/watermark-templates.js';
import * as qualityEnhanceTemplates from './templates/quality-enhance-templates.js';
import * as account from './account/account.js';
import type { ObjectStore } from '../storage/objects/object-store.js';
import { createTaskIo, type GateAnswer, type GateLog } from './objects/task-io.js';
import { createMediaTaskIo, type MediaSettings } from './objects/task-media-io.js';
import { addTemplateState, exportTemplateState, replaceTemplateState, type TemplateState } from './templates/template-state.js';
import { Deliveries } from './notifications/deliveries.js';
import { checkNotificationConfigs, messagesOf, type NotificationConfig, type Transition } from './notifications/notifications.js';
import { SmnSigner } from './notifications/smn-signing.js';

/** What the store held at start, for a reset to go back to (SPEC 6.2). */
export interface TemplateView {
  project_id?: string;
  transcoding_templates: TransTemplate[];
  transcoding_template_groups: templateGroups.TemplateGroup[];
  watermark_templates: watermarkTemplates.WatermarkTemplate[];
  quality_enhance_templates: qualityEnhanceTemplates.StoredQualityEnhanceTemplate[];
  account?: { operate_type: account.AgencyState; tenant_access: account.TenantAccess; buckets: account.ObsBucket[] };
}

export interface Baseline extends TemplateState {
  tasks: readonly StoredTask[];
  details: readonly StoredThumbnailDetails[];
  templates: readonly StoredTemplate[];
  /** Tasks too many to hold (generated ones): made again, the same, whenever a reset needs them. */
  more?: () => Iterable<StoredTask>;
  /** Projects' notification configurations. */
  notifications?: ReadonlyArray<{ projectId: string; configs: NotificationConfig[] }>;
}

export interface MpcServiceOptions {
  store: TaskStore;
  clock: MockClock;
  /** The fixtures as loaded; default: nothing. */
  baseline?: Baseline;
  /** How many requests the journal keeps (default 1000). */
  journalSize?: number;
  lifecycle?: LifecycleSettings;
  outcomes?: OutcomeRules;
  /** Refuse template ids the catalogue does not hold (SPEC 4.5), instead of taking plausible defaults. */
  strictTemplates?: boolean;
  /** The object store tasks read and write (SPEC 11.1), when one is configured. */
  objects?: ObjectStore;
  /** Real media processing (SPEC 11.3, --media ffmpeg); needs `objects`. */
  media?: MediaSettings;
  /** How the vendor API authenticates requests (SPEC 5); default off. */
  auth?: AuthSettings;
  /** Event deliveries: retries, backoff, the subscriptions made at start (--subscribe), a sender for tests. */
  deliveries?: Partial<Pick<ConstructorParameters<typeof Deliveries>[0], 'retries' | 'backoffMs' | 'send' | 'initial'>>;
}

export interface CreatedTask {
  kind: TaskKind;
  task: TaskDocument;
  /** A synchronous snapshot or extraction is done before the answer; every other create is queued. */
  synchronous: boolean;
}

export interface MpcService {
  readonly store: TaskStore;
  /** The object store tasks read and write (SPEC 11.1), when one is configured. */
  readonly objects: ObjectStore | undefined;
  /** Where the service's warnings are written (the HTTP layer's logger). */
  useLog(warn: GateLog): void;
  /** Stops what runs beside the requests (media processing) and removes its temporary files. */
  close(): Promise<void>;
  readonly clock: MockClock;
  readonly outcomes: OutcomeRules;
  /** SPEC 5: the mode and credentials in force, checked by the HTTP layer on every vendor request. */
  readonly auth: AuthSettings;
  listTasks(kind: TaskKind, projectId: string, params: ListTasksParams): TaskListPage;
  /**
   * The store's change counter once time that has passed has become writes (the lifecycle settled): a read's
   * answer made at one value is the answer for as long as the value holds (answer-cache.ts).
   */
  settledVersion(): number;
  listThumbnailDetails(projectId: string, params: ThumbnailDetailsParams): ThumbnailDetailsPage;
  /** A promise only for a synchronous create with an object store, which reads and writes before its answer. */
  createTask(kind: TaskKind, projectId: string, request: CreateRequest): CreatedTask | Promise<CreatedTask>;
  cancelTask(kind: TaskKind, projectId: string, taskId: string): void;
  /**
   * Removes a finished task's record (DeleteRemuxTask, DeleteTranscodingTaskByConsole): 403 MPC.10211 for an
   * unknown task, 400 MPC.10213 for one not yet final.
   */
  deleteTaskRecord(kind: TaskKind, projectId: string, taskId: string): void;
  /** CreateRetryRemuxTask: a FAILED task goes back to the queue under its id and runs again (403 otherwise). */
  retryTask(kind: TaskKind, projectId: string, taskId: string): void;
  /** ListTranscodeDetail (SPEC 9.2): the transcoding tasks with these ids that the project sees, newest first. */
  listTranscodeDetail(projectId: string, taskIds: readonly string[]): TaskDetailInfo[];
  /** ListStatSummary (SPEC 9.2): per-day statistics of the project's tasks. */
  listStatSummary(projectId: string, start: string, end: string, statType: StatType): components['schemas']['ListStatSummaryResponse'];
  /** CreateTransTemplate (SPEC 10.1): a template of the project's own; answers its id. */
  createTransTemplate(projectId: string, body: customTemplates.CreateTransTemplateBody): number;
  /** ListTemplate: by id, the project's and the system templates; else a page of the project's own. */
  listTransTemplates(projectId: string, q: { template_id?: number[]; page: number; size: number }): { template_array: customTemplates.TemplateInfo[]; total: number };
  /** UpdateTransTemplate: replaces one of the project's own templates. */
  updateTransTemplate(projectId: string, body: customTemplates.ModifyTransTemplateBody): void;
  /** DeleteTemplate: removes one of the project's own templates. */
  deleteTransTemplate(projectId: string, templateId: number): void;
  /** CreateTemplateGroup: a group and one transcoding template per output; answers the group. */
  createTemplateGroup(projectId: string, body: templateGroups.CreateTemplateGroupBody): templateGroups.TemplateGroup;
  /** ListTemplateGroup: by id, or a page of the project's groups by name. */
  listTemplateGroups(projectId: string, q: { group_id?: string[]; group_name?: string[]; page: number; size: number }): { template_group_list: templateGroups.TemplateGroup[]; total: number };
  /** UpdateTemplateGroup: changes a group and its templates. */
  updateTemplateGroup(projectId: string, body: templateGroups.ModifyTemplateGroupBody): void;
  /** DeleteTemplateGroup: removes a group and its templates. */
  deleteTemplateGroup(projectId: string, groupId: string): void;
  /** CreateWatermarkTemplate: a watermark template of the project's own; answers its id. */
  createWatermarkTemplate(projectId: string, body: watermarkTemplates.WatermarkTemplate): number;
  /** ListWatermarkTemplate: by id, or a page of the project's. */
  listWatermarkTemplates(projectId: string, q: { template_id?: number[]; page: number; size: number }): { total: number; templates: watermarkTemplates.WatermarkTemplate[] };
  /** UpdateWatermarkTemplate: changes the fields given. */
  updateWatermarkTemplate(projectId: string, body: watermarkTemplates.WatermarkTemplate): void;
  /** DeleteWatermarkTemplate. */
  deleteWatermarkTemplate(projectId: string, templateId: number): void;
  /** CreateQualityEnhanceTemplate: a video enhancement template of the project's own; answers its id. */
  createQualityEnhanceTemplate(projectId: string, body: qualityEnhanceTemplates.QualityEnhanceTemplate): number;
  /** UpdateQualityEnhanceTemplate: replaces a template's settings. */
  updateQualityEnhanceTemplate(projectId: string, body: qualityEnhanceTemplates.UpdateQualityEnhanceTemplateBody): void;
  /** DeleteQualityEnhanceTemplate. */
  deleteQualityEnhanceTemplate(projectId: string, templateId: number): void;
  /** ListQualityEnhanceDefaultTemplate: the vendor's presets. */
  listQualityEnhanceDefaults(): { task_array: qualityEnhanceTemplates.StoredQualityEnhanceTemplate[]; total: number };
  /** ListAllBuckets: the project's buckets (SPEC 9.3), from the object store when there is one. */
  listBuckets(projectId: string): Promise<{ buckets: account.ObsBucket[] }>;
  /** ListAllObsObjList: the objects of one of the project's buckets. */
  listObjects(projectId: string, q: { bucket: string; prefix?: string }): Promise<{ objects: account.ObsObject[] }>;
  /** UpdateBucketAuthorized. */
  authorizeBucket(projectId: string, body: { bucket: string; operation: string | number }): Promise<void>;
  /** ShowAgenciesTask and CreateAgenciesTask. */
  agencyState(projectId: string): { operate_type: account.AgencyState };
  setAgency(projectId: string, body: { operate_type: account.AgencyState }): void;
  /** ShowTenantAccessInfo and UpdateTenantAccessInfo. */
  tenantAccess(projectId: string): account.TenantAccess;
  setTenantAccess(projectId: string, body: Partial<account.TenantAccess>): void;
  /** The control plane's step on: one created task, one state (SPEC 6.5). Undefined for an unknown task. */
  advanceTask(kind: TaskKind, projectId: string | undefined, taskId: string): TaskDocument | undefined;
  readonly journal: Journal;
  readonly faults: FaultRules;
  /** SMN subscriptions, the outbox of event deliveries and their journal (SPEC 8). */
  readonly deliveries: Deliveries;
  /** The dashboard's Tasks table (SPEC 12.2): a page of every kind's and project's tasks, brought up to date first. */
  taskTable(query: TaskTableQuery): ReturnType<typeof taskTable>;
  /** The projects that own tasks, in order, after `after`. */
  projects(after: string, limit: number): string[];
  /** What happens, for the streams of GET /_mock/events. */
  readonly events: EventHub;
  readonly signer: SmnSigner;
  /** Brings every due task up to date with the clock (its events queued), as any read does first. */
  settle(): void;
  /** A project's notification configuration (SPEC 8), empty before one is set. */
  showNotification(projectId: string): NotificationConfig[];
  /** Replaces a project's notification configuration. Throws MPC.10202 for an event configured twice. */
  updateNotification(projectId: string, configs: NotificationConfig[]): void;
  /** Ends every wait at once (the mock is stopping). */
  cancelWaits(): void;
  lifecycleSettings(): LifecycleSetting[];
  /**
   * SPEC 6.2: back to the fixtures as loaded. Everything: tasks, settings, rules, faults and journal as at start.
   * A project: its tasks, fault rules and journal entries. A kind: its tasks alone. Answers the scope's task count.
   */
  resetState(scope: { project_id?: string; kind?: TaskKind }): number;
  /** Adds tasks in the fixture format, all or nothing; they stay as written. Throws MPC.10202 on a clash. */
  addTasks(set: Baseline): void;
  /** A project's own tasks (or the shared ones), in their current state. */
  exportTasks(projectId: string | undefined, kind?: TaskKind): Baseline;
  /**
   * The control plane's view of templates (SPEC 10.3): a project's own of every family and its account as the
   * vendor API answers it now; without a project, the system templates and the enhancement presets.
   */
  templateView(projectId: string | undefined): Promise<TemplateView>;
  /** One task as it is now, under exactly this owner (a project, or the shared fixtures when absent). */
  getTask(kind: TaskKind, projectId: string | undefined, taskId: string): TaskDocument | undefined;
  /**
   * Changes one task: `patch` fields replace the task's, null removes one; `check` throws when the result is
   * not a valid task. A created task that is changed stops progressing. Undefined for an unknown task.
   */
  patchTask(kind: TaskKind, projectId: string | undefined, taskId: string, patch: Record<string, unknown>, check: (task: TaskDocument) => void): TaskDocument | undefined;
  removeTask(kind: TaskKind, projectId: string | undefined, taskId: string): boolean;
  /**
   * Resolves with the task once it reads `status`, or with `{ timedOut }` after the timeout (at once when it is
   * final in another state, or does not exist).
   */
  waitForTask(kind: TaskKind, projectId: string | undefined, taskId: string, status: string, timeoutMs: number): Promise<{ task: TaskDocument } | { timedOut: string }>;
  setLifecycle(setting: LifecycleSetting): LifecycleSetting[];
  clearLifecycle(projectId: string | undefined, kind: string | undefined): LifecycleSetting[];
}

export function createMpcService(options: MpcServiceOptions): MpcService {
  const { store, clock } = options;
  const settings = options.lifecycle ?? new LifecycleSettings();
  const outcomes = options.outcomes ?? new OutcomeRules();
  const signer = new SmnSigner();
  const buckets = options.objects ? account.storeBuckets(options.objects) : account.taskBuckets(store);
  const faults = new FaultRules(() => new Date(clock.now()).toISOString());
  const deliveries = new Deliveries({ clock, faults, signer, ...options.deliveries });
  const events = new EventHub();
  /** The one timer runs for deliveries, and for the event streams. */
  const timerWanted = () => deliveries.hasSubscriptions() || events.listening();
  /** The fields of `from` that are set. */
  const pick = <T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> => {
    const out: Partial<Pick<T, K>> = {};
    for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
    return out;
  };
  const iso = (at: number) => new Date(at).toISOString();
  /** A task's event, when a stream listens (GET /_mock/events). */
  const taskEvent = (change: 'created' | 'state' | 'changed' | 'removed', kind: TaskKind, projectId: string, task: { task_id: string; status?: string }, at: number, previous?: string) =>
    events.emit(() => ({
      type: 'task',
      change,
      time: iso(at),
      kind: kind.path as never,
      ...(projectId !== SHARED_PROJECT ? { project_id: projectId } : {}),
      task_id: task.task_id,
      ...(task.status !== undefined ? { status: task.status } : {}),
      ...(previous !== undefined ? { previous } : {}),
    }));
  // Events are looked for only while some endpoint listens: a project's configuration is read on a state change.
  const onTransition = (t: Transition) => {
    taskEvent(t.from === undefined ? 'created' : 'state', t.kind, t.projectId, t.task, t.at, t.from);
    if (!deliveries.hasSubscriptions()) return;
    const configs = store.getNotifications(t.projectId);
    if (configs?.length) deliveries.publish(messagesOf(t, configs));
  };
  // Where the service's warnings go (a store that failed a task): the HTTP layer's logger, once there is one.
  let log: GateLog = () => {};
  // With an object store, a task's state changes wait for what it reads (SPEC 11.2); once the store answered, the
  // tasks move on, and the delivery timer hears of it.
  const resume = (kind: TaskKind, projectId: string, taskId: string) => {
    const resumed = lifecycle.resume(kind, projectId, taskId);
    if (timerWanted()) deliveries.kick();
    return resumed;
  };
  // With --media ffmpeg (SPEC 11.3) the inputs are really processed, in at most --media-workers at once.
  const media = options.objects && options.media ? createMediaTaskIo(options.objects, options.media, resume, (kind, projectId, taskId) => store.getTask(kind.name, projectId, taskId)?.status, () => log) : undefined;
  const io = media ?? (options.objects ? createTaskIo(options.objects, resume, () => log) : undefined);
  const lifecycle: Lifecycle = createLifecycle(store, clock, settings, onTransition, io?.gate);
  // Tasks held for a store by a process that stopped ask again.
  lifecycle.resumeAll();
  deliveries.settle = () => lifecycle.settle();
  // The one timer moves due tasks on when their events are to be delivered, or streamed (GET /_mock/events).
  deliveries.nextTaskDue = () => ((deliveries.hasSubscriptions() && store.hasNotifications()) || events.listening() ? store.nextDueAt() : null);
  events.onListening = (listening) => {
    journal.tap = listening ? (e) => events.emit(() => ({ type: 'request', time: e.time, request_id: e.request_id, method: e.method, path: e.path, status: e.status, ...pick(e, ['project_id', 'kind', 'task_id', 'operation']) }) as never) : undefined;
    deliveries.tap = listening
      ? (e) =>
          events.emit(() => ({
            type: 'delivery',
            time: e.time,
            delivery: e.id,
            message_type: e.type,
            topic_urn: e.topic_urn,
            outcome: e.outcome,
            ...pick(e, ['project_id', 'event_type', 'task_id', 'status']),
          }) as never)
      : undefined;
    // Tasks due on a running clock move on when due while a stream is open, whether or not anything reads them.
    deliveries.arm();
  };
  const baseline: Baseline = options.baseline ?? { tasks: [], details: [], templates: [] };
  // What a reset of everything restores besides the tasks.
  const startSettings = settings.list();
  const startRules = outcomes.list();
  const auth = options.auth ?? new AuthSettings();
  const startAuth = { mode: auth.mode, credentials: auth.credentials() };
  const journal = new Journal(options.journalSize ?? 1000);
  const ownerOf = (projectId: string | undefined) => projectId ?? SHARED_PROJECT;
  const waits = new Set<() => void>();
  // Read answers kept while the store is unchanged (exact: see answer-cache.ts); settle() always runs first.
  const version = () => store.version();
  const lists = new AnswerCache<TaskListPage>({ version }, (page) => page.tasks.reduce((n, t) => n + t.json.length, 64));
  const details = new AnswerCache<ThumbnailDetailsPage>({ version }, (page) => 64 + (page.thumbnails?.reduce((n, t) => n + t.url.length + 16, 0) ?? 0));

  /** What a new (or retried) task will do: its outcome, decided now by the rules in force, and its request. */
  const planOf = (kind: TaskKind, projectId: string, request: CreateRequest): TaskPlan => ({
    outcome: outcomes.decide(kind, projectId, KIND_DOCUMENTS[kind.name].input(request)?.object ?? ''),
    request,
  });

  /**
   * A project's own task, for a record operation (deletion, retry): 403 MPC.10211 when no task has the id, and
   * `refuse` (the operation's state error) for a shared fixture task, which every project sees and none changes.
   */
  const ownTask = (kind: TaskKind, projectId: string, taskId: string, refuse: (detail: string) => Error): TaskDocument => {
    const own = store.getTask(kind.name, projectId, taskId);
    if (own) return own;
    if (!store.getTask(kind.name, SHARED_PROJECT, taskId)) throw taskDoesNotExist(`task_id ${taskId}`);
    throw refuse(`task ${taskId} is a shared fixture task, which the mock keeps as written`);
  };

  /** A settings change counts from now for every task whose effective setting it changed. */
  const changeSettings = (change: () => void) => {
    const keyOf = (r: ProgressRow) => `${r.kind}|${r.projectId}|${r.taskId}`;
    const before = new Map<string, EffectiveSetting>(
      store.allProgress().map((r) => [keyOf(r), settings.effective(r.projectId, taskKind(r.kind).path)]),
    );
    lifecycle.settle();
    change();
    lifecycle.rebase((r) => before.get(keyOf(r))!);
    // The one timer was set for the due times under the old settings.
    deliveries.arm();
    return settings.list();
  };

  return {
    store,
    objects: options.objects,
    useLog(warn) {
      log = warn;
    },
    close: async () => {
      await media?.close();
    },
    clock,
    outcomes,
    auth,
    journal,
    faults,
    deliveries,
    events,
    signer,

    settle: () => lifecycle.settle(),

    taskTable(query) {
      lifecycle.settle();
      return taskTable(store, query);
    },
    projects: (after, limit) => store.owners(TASK_KINDS.map((k) => k.name), after, limit),

    showNotification: (projectId) => store.getNotifications(projectId) ?? [],
    updateNotification(projectId, configs) {
      checkNotificationConfigs(configs);
      // Transitions that happened before this change are judged under the configuration in force then.
      lifecycle.settle();
      store.setNotifications(projectId, configs);
      // Tasks already on their way announce their next events under the new configuration.
      deliveries.arm();
    },

    listTasks(kind, projectId, params) {
      lifecycle.settle();
      const key = [kind.name, projectId, params.status, params.start_time, params.end_time, params.page, params.size, params.task_id?.join('\u0001'), params.input_bucket, params.input_object].join('\u0000');
      const page = lists.get(key, () => listTasks(store, kind, projectId, params));
      lifecycle.recordReads(kind, projectId, page.tasks);
      return page;
    },

    settledVersion() {
      lifecycle.settle();
      return store.version();
    },

    listThumbnailDetails(projectId, params) {
      lifecycle.settle();
      const key = [projectId, params.task_id, params.offset, params.limit].join('\u0000');
      return details.get(key, () => listThumbnailDetails(store, projectId, params));
    },

    createTask(kind, projectId, request) {
      const documents = KIND_DOCUMENTS[kind.name];
      documents.check?.(request);
      const plan = planOf(kind, projectId, request);
      if (kind.name === 'transcoding') {
        plan.outputs = resolveOutputs(request as TranscodingRequest, projectId, store, options.strictTemplates ?? false);
        if (options.strictTemplates) {
          watermarkTemplates.checkWatermarkIds(store.templates, projectId, request as { watermarks?: Array<{ template_id?: unknown }> });
          const ids = plan.outputs.flatMap((o) => (o.templateId === undefined ? [] : [o.templateId]));
          if (ids.length === plan.outputs.length && ids.every((id) => store.templates.own(projectId, id) !== undefined)) checkOnlySizesDiffer(plan.outputs);
          templateGroups.checkOneGroup(store.templates, projectId, ids);
        }
      }
      if (kind.name === 'media_process' && options.strictTemplates) qualityEnhanceTemplates.checkQualityEnhanceId(store.templates, projectId, request as { template_id?: string });
      lifecycle.settle();
      const taskId = store.nextTaskId();
      const now = clock.now();
      const first = { task_id: taskId, status: kind.states[0]!, create_time: formatMpcTime(new Date(now)) };
      const task: TaskDocument = { ...first, ...documents.initial(request, plan, taskId) };
      // A synchronous create (SPEC 4.4, 9.1) is done before the answer: the task is final when it is listed.
      const synchronous = documents.synchronous?.(request) ?? false;
      if (synchronous) {
        const path = plan.outcome.outcome === 'fail' ? 'FAILED' : plan.outcome.outcome === 'cancel' ? 'CANCELED' : kind.succeededStatus;
        const finish = (answer: GateAnswer): CreatedTask => {
          const failed = typeof answer === 'object' && 'fail' in answer;
          const done = failed ? enterState(kind, task, { ...plan, outcome: answer.fail }, 'FAILED', now) : enterState(kind, task, plan, path, now, typeof answer === 'object' && 'written' in answer ? answer.written : undefined);
          store.insertTask({ kind: kind.name, projectId, task: done });
          onTransition({ kind, projectId, from: undefined, task: done, at: now });
          return { kind, task: done, synchronous };
        };
        // With a store, the input is read and the outputs written while the request waits (SPEC 11.2).
        return io ? io.finish(kind, projectId, task, path, plan).then(finish) : finish('pass');
      }
      taskEvent('created', kind, projectId, task, now);
      const started = lifecycle.start(kind, projectId, task, plan);
      // The one timer learns of the new task's next state change (events may follow it on a running clock).
      if (timerWanted()) deliveries.kick();
      return { kind, task: started, synchronous };
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
        if (kind.cancellable && !kind.cancellable.includes(own.status)) {
          throw operationFailed(`task ${taskId} is ${own.status}: only a queued task (${kind.cancellable.join(' or ')}) can be canceled`);
        }
        // A clock set back does not make a task end before it was created.
        const now = formatMpcTime(new Date(clock.now()));
        const endTime = [now, own.create_time, typeof own.start_time === 'string' ? own.start_time : ''].sort().at(-1)!;
        const canceled: TaskDocument = { ...own, status: 'CANCELED', end_time: endTime, description: CANCELED_DESCRIPTION };
        store.updateTask(kind.name, projectId, canceled);
        lifecycle.forget(kind, projectId, taskId);
        media?.cancel(kind, projectId, taskId);
        // Deviation: whether the real service announces a task canceled through its API is not documented; the
        // mock announces its completion (status CANCELED), so a handler's cancel path can be tested.
        onTransition({ kind, projectId, from: own.status, task: canceled, at: clock.now() });
      });
    },

    deleteTaskRecord(kind, projectId, taskId) {
      lifecycle.settle();
      store.transaction(() => {
        // Deviation: as with a cancel, a shared fixture task is seen by every project; the mock keeps it.
        const own = ownTask(kind, projectId, taskId, operationFailed);
        if (!kind.finalStatuses.includes(own.status)) throw notFinal(`task ${taskId} is ${own.status}`);
        store.deleteTask(kind.name, projectId, taskId);
      });
    },

    retryTask(kind, projectId, taskId) {
      lifecycle.settle();
      const documents = KIND_DOCUMENTS[kind.name];
      const own = ownTask(kind, projectId, taskId, operationForbidden);
      if (own.status !== 'FAILED' || !documents.requestOf) throw operationForbidden(`task ${taskId} is ${own.status}: only a FAILED task can be retried`);
      // The task runs again from the queue under the outcome rules in force now, from what its record says.
      const request = documents.requestOf(own);
      const plan = planOf(kind, projectId, request);
      const queued = kind.states.indexOf('WAITING');
      const again: TaskDocument = { task_id: own.task_id, status: kind.states[queued]!, create_time: own.create_time, ...documents.initial(request, plan, own.task_id) };
      lifecycle.restart(kind, projectId, again, plan, queued);
      taskEvent('state', kind, projectId, again, clock.now(), own.status);
      if (timerWanted()) deliveries.kick();
    },

    listTranscodeDetail(projectId, taskIds) {
      lifecycle.settle();
      const kind = taskKind('transcoding');
      const rows = store.findTasks(kind.name, projectId, taskIds);
      // An answer that contains a task is a read of it (SPEC 4.3).
      lifecycle.recordReads(kind, projectId, rows);
      return rows.map((row) => taskDetailInfo(taskOf(row)));
    },

    listStatSummary(projectId, start, end, statType) {
      lifecycle.settle();
      return statSummary(store, projectId, start, end, statType);
    },

    createTransTemplate: (projectId, body) => store.transaction(() => customTemplates.createTransTemplate(store.templates, projectId, body)),
    listTransTemplates: (projectId, q) => customTemplates.listTransTemplates(store.templates, projectId, q),
    updateTransTemplate: (projectId, body) => store.transaction(() => customTemplates.updateTransTemplate(store.templates, projectId, body)),
    deleteTransTemplate: (projectId, templateId) => store.transaction(() => customTemplates.deleteTransTemplate(store.templates, projectId, templateId)),
    createTemplateGroup: (projectId, body) => store.transaction(() => templateGroups.createTemplateGroup(store.templates, projectId, body)),
    listTemplateGroups: (projectId, q) => templateGroups.listTemplateGroups(store.templates, projectId, q),
    updateTemplateGroup: (projectId, body) => store.transaction(() => templateGroups.updateTemplateGroup(store.templates, projectId, body)),
    deleteTemplateGroup: (projectId, groupId) => store.transaction(() => templateGroups.deleteTemplateGroup(store.templates, projectId, groupId)),
    createWatermarkTemplate: (projectId, body) => store.transaction(() => watermarkTemplates.createWatermarkTemplate(store.templates, projectId, body)),
    listWatermarkTemplates: (projectId, q) => watermarkTemplates.listWatermarkTemplates(store.templates, projectId, q),
    updateWatermarkTemplate: (projectId, body) => store.transaction(() => watermarkTemplates.updateWatermarkTemplate(store.templates, projectId, body)),
    deleteWatermarkTemplate: (projectId, templateId) => store.transaction(() => watermarkTemplates.deleteWatermarkTemplate(store.templates, projectId, templateId)),
    createQualityEnhanceTemplate: (projectId, body) => store.transaction(() => qualityEnhanceTemplates.createQualityEnhanceTemplate(store.templates, projectId, body)),
    updateQualityEnhanceTemplate: (projectId, body) => store.transaction(() => qualityEnhanceTemplates.updateQualityEnhanceTemplate(store.templates, projectId, body)),
    deleteQualityEnhanceTemplate: (projectId, templateId) => store.transaction(() => qualityEnhanceTemplates.deleteQualityEnhanceTemplate(store.templates, projectId, templateId)),
    listQualityEnhanceDefaults: () => qualityEnhanceTemplates.listQualityEnhanceDefaults(),
    // Without a store the buckets and objects are read from the tasks: settled first, so a task that just finished
    // shows its files.
    async listBuckets(projectId) {
      lifecycle.settle();
      return { buckets: await account.listBuckets(store.templates, buckets, projectId) };
    },
    async listObjects(projectId, q) {
      lifecycle.settle();
      return { objects: await account.listObjects(store.templates, buckets, projectId, q) };
    },
    async authorizeBucket(projectId, body) {
      lifecycle.settle();
      const write = await account.authorizeBucket(store.templates, buckets, projectId, body);
      store.transaction(write);
    },
    agencyState: (projectId) => account.agencyState(store.templates, projectId),
    setAgency: (projectId, body) => store.transaction(() => account.setAgency(store.templates, projectId, body)),
    tenantAccess: (projectId) => account.tenantAccess(store.templates, projectId),
    setTenantAccess: (projectId, body) => store.transaction(() => account.setTenantAccess(store.templates, projectId, body)),

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

    resetState(scope) {
      // What happened before the reset is judged under the configuration and subscriptions in force then.
      lifecycle.settle();
      const storeScope = { ...(scope.project_id !== undefined ? { projectId: scope.project_id } : {}), ...(scope.kind ? { kind: scope.kind.name } : {}) };
      const count = store.transaction(() => {
        const n = store.replaceScope(storeScope, baseline.tasks, baseline.details, baseline.templates, baseline.more?.() ?? []);
        // Groups go where their templates go: with the transcoding tasks' reset (replaceScope's templates).
        if (scope.kind === undefined || scope.kind.name === 'transcoding') replaceTemplateState(store.templates, scope.project_id, baseline);
        // A project's notification configuration is its data, like its tasks (a kind's reset leaves it).
        if (scope.kind === undefined) store.replaceNotifications(scope.project_id, baseline.notifications ?? []);
        return n;
      });
      media?.cancelScope(scope.project_id, scope.kind?.name);
      if (scope.kind !== undefined) {
        deliveries.dropKind(scope.kind.path, scope.project_id);
        return count;
      }
      deliveries.reset(scope.project_id);
      if (scope.project_id === undefined) {
        settings.replaceAll(startSettings);
        outcomes.set(startRules);
        auth.mode = startAuth.mode;
        auth.setCredentials(startAuth.credentials);
        faults.clear();
        journal.clear();
      } else {
        // A project's reset is its data: what the test did. Its lifecycle settings and outcome rules are how the
        // test set the project up, and stay, so a beforeEach reset does not undo a beforeAll setup.
        faults.clear(scope.project_id);
        journal.clear(scope.project_id);
      }
      return count;
    },

    addTasks(set) {
      // A configuration loaded here applies from now on: what happened before is judged under the old one.
      if (set.notifications?.length) lifecycle.settle();
      try {
        store.transaction(() => {
          store.addAll(set.tasks, set.details, set.templates);
          addTemplateState(store.templates, set);
          for (const n of set.notifications ?? []) {
            checkNotificationConfigs(n.configs);
            store.setNotifications(n.projectId, n.configs);
          }
        });
      } catch (error) {
        if (error instanceof StoreClashError) throw invalidParameter(error.message);
        throw error;
      }
      // Tasks already on their way may announce their next events under a configuration loaded here.
      if (set.notifications?.length) deliveries.arm();
    },

    async templateView(projectId) {
      const own = store.templates.list(ownerOf(projectId), Number.MAX_SAFE_INTEGER, 0);
      if (projectId === undefined) {
        return { transcoding_templates: own, transcoding_template_groups: [], watermark_templates: [], quality_enhance_templates: qualityEnhanceTemplates.QUALITY_ENHANCE_PRESETS.map((p) => structuredClone(p)) };
      }
      // Newest first, as the vendor lists answer.
      const newest = <T>(items: ReadonlyArray<T> | undefined) => [...(items ?? [])].reverse();
      const families = exportTemplateState(store.templates, projectId);
      return {
        project_id: projectId,
        transcoding_templates: own,
        transcoding_template_groups: newest(families.groups).map((g) => g.group),
        watermark_templates: newest(families.watermarks).map((w) => w.template),
        quality_enhance_templates: newest(families.qualityEnhance).map((q) => q.template),
        account: {
          ...account.agencyState(store.templates, projectId),
          tenant_access: account.tenantAccess(store.templates, projectId),
          buckets: (lifecycle.settle(), await account.listBuckets(store.templates, buckets, projectId)),
        },
      };
    },

    exportTasks(projectId, kind) {
      lifecycle.settle();
      const set: Baseline = store.exportOwner(ownerOf(projectId), kind?.name);
      const configs = projectId === undefined || kind !== undefined ? undefined : store.getNotifications(projectId);
      const templates = projectId !== undefined && (kind === undefined || kind.name === 'transcoding') ? exportTemplateState(store.templates, projectId) : {};
      return { ...set, ...(configs ? { notifications: [{ projectId: projectId!, configs }] } : {}), ...templates };
    },

    getTask(kind, projectId, taskId) {
      lifecycle.settle();
      return store.getTask(kind.name, ownerOf(projectId), taskId);
    },

    patchTask(kind, projectId, taskId, patch, check) {
      lifecycle.settle();
      const owner = ownerOf(projectId);
      return store.transaction(() => {
        const task = store.getTask(kind.name, owner, taskId);
        if (!task) return undefined;
        for (const field of ['task_id', 'create_time'] as const) {
          if (field in patch && patch[field] !== task[field]) throw invalidParameter(`${field} cannot change`);
        }
        const changed: Record<string, unknown> = { ...task };
        for (const [field, value] of Object.entries(patch)) {
          if (value === null) delete changed[field];
          else changed[field] = value;
        }
        check(changed as TaskDocument);
        store.updateTask(kind.name, owner, changed as TaskDocument);
        // A task changed by hand stays as written, like a fixture.
        lifecycle.forget(kind, owner, taskId);
        taskEvent('changed', kind, owner, changed as TaskDocument, clock.now(), task.status !== changed.status ? task.status : undefined);
        return changed as TaskDocument;
      });
    },

    removeTask(kind, projectId, taskId) {
      media?.cancel(kind, ownerOf(projectId), taskId);
      const removed = store.deleteTask(kind.name, ownerOf(projectId), taskId);
      if (removed) taskEvent('removed', kind, ownerOf(projectId), { task_id: taskId }, clock.now());
      return removed;
    },

    waitForTask(kind, projectId, taskId, status, timeoutMs) {
      const owner = ownerOf(projectId);
      const look = (): { task: TaskDocument } | { timedOut: string } | undefined => {
        lifecycle.settle();
        const task = store.getTask(kind.name, owner, taskId);
        if (!task) return { timedOut: `task ${kind.path}/${taskId} does not exist` };
        if (task.status === status) return { task };
        if (kind.finalStatuses.includes(task.status)) return { timedOut: `task ${kind.path}/${taskId} is ${task.status}, a final state` };
        return undefined;
      };
      const first = look();
      if (first) return Promise.resolve(first);
      // The clock moves by itself or by a control call: look again every few milliseconds until the deadline.
      return new Promise((resolve) => {
        const deadline = Date.now() + timeoutMs;
        const finish = (result: { task: TaskDocument } | { timedOut: string }) => {
          clearInterval(timer);
          waits.delete(stop);
          resolve(result);
        };
        const stop = () => finish({ timedOut: `task ${kind.path}/${taskId} to be ${status}: the mock is stopping` });
        const timer = setInterval(() => {
          const found = look();
          if (found) finish(found);
          else if (Date.now() >= deadline) finish({ timedOut: `task ${kind.path}/${taskId} to be ${status}` });
        }, 20);
        waits.add(stop);
      });
    },

    cancelWaits() {
      journal.cancelWaits();
      deliveries.stop();
      for (const stop of [...waits]) stop();
    },

    lifecycleSettings: () => settings.list(),
    setLifecycle: (setting) => changeSettings(() => settings.set(setting)),
    clearLifecycle(projectId, kind) {
      if (projectId === undefined && kind === undefined) throw invalidParameter('project_id or kind is required: the global setting cannot be removed');
      return changeSettings(() => settings.clear(projectId, kind));
    },
  };
}
