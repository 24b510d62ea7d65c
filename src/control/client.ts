// A typed client of the control plane, the same for a mock started in-process and for one running elsewhere
// (a container in a compose stack): `import { mockControl } from 'mpc-mock/control'`. It is openapi-fetch over
// the types generated from openapi/mock-control.yaml, so its calls and answers follow the document.
import createClient from 'openapi-fetch';
import type { components, paths } from '../contract/mock-control.generated.js';
import { readEventStream } from './event-source.js';

type Schemas = components['schemas'];
export type TaskKindWord = Schemas['TaskKind'];
export type FixtureFile = Schemas['FixtureFile'];
export type FaultRuleInput = Schemas['FaultRuleInput'];
export type FaultRule = Schemas['FaultRule'];
export type JournalEntry = Schemas['JournalEntry'];
export type JournalFilter = Schemas['JournalFilter'];
export type WaitRequest = Schemas['WaitRequest'];
export type TaskDocument = Schemas['TaskDocument'];
export type Subscription = Schemas['Subscription'];
export type Delivery = Schemas['Delivery'];
export type DeliveryFilter = Schemas['DeliveryFilter'];
export type MockEvent = Schemas['MockEvent'];

export interface EventsOptions {
  /** Only these types (default every one). */
  types?: ReadonlyArray<'task' | 'request' | 'delivery' | 'control'>;
  /** Only this project's events (and control calls of none). */
  project_id?: string;
  /** Go on after this event: the events kept since come first, or a `resync` event when some are gone. */
  lastEventId?: number;
  /** Ends the stream. */
  signal?: AbortSignal;
}

export interface MockControlOptions {
  /** The control token the mock was started with (--control-token). */
  token?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** A control call the mock refused: its HTTP status and the envelope's code and message. */
export class MockControlError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorMsg: string | undefined,
  ) {
    super(`${status} ${errorCode ?? ''} ${errorMsg ?? ''}`.trim());
    this.name = 'MockControlError';
  }
}

async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body = (error ?? {}) as { error_code?: string; error_msg?: string };
    throw new MockControlError(response.status, body.error_code, body.error_msg);
  }
  return data as T;
}

export function mockControl(url: string, options: MockControlOptions = {}) {
  const baseUrl = url.replace(/\/+$/, '');
  const client = createClient<paths>({
    baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {},
  });
  const taskPath = (kind: TaskKindWord, taskId: string, projectId?: string) => ({
    params: { path: { kind, task_id: taskId }, query: projectId === undefined ? {} : { project_id: projectId } },
  });

  return {
    health: () => unwrap(client.GET('/_mock/health')),
    /** Back to the fixtures as loaded: everything, or one project and/or kind. */
    reset: (scope: Schemas['ResetScope'] = {}) => unwrap(client.POST('/_mock/reset', { body: scope })),
    /** Adds tasks (and snapshot details, templates) in the fixture format, all or nothing. */
    addTasks: (file: FixtureFile) => unwrap(client.POST('/_mock/tasks', { body: file })),
    /** A project's own tasks (or the shared ones) in the fixture format. */
    exportTasks: (query: { project_id?: string; kind?: TaskKindWord } = {}) => unwrap(client.GET('/_mock/tasks', { params: { query } })),
    /** A project's templates of every family and its account; without a project, the system templates. */
    templates: (projectId?: string) => unwrap(client.GET('/_mock/templates', { params: { query: projectId === undefined ? {} : { project_id: projectId } } })),
    /** What the object store holds: every bucket's objects, or one bucket's, those whose key starts with `prefix`. */
    objects: (query: { bucket?: string; prefix?: string; limit?: number } = {}) => unwrap(client.GET('/_mock/objects', { params: { query } })),
    /** One task, in a project (or among the shared fixtures). */
    task: (kind: TaskKindWord, taskId: string, projectId?: string) => ({
      get: () => unwrap(client.GET('/_mock/tasks/{kind}/{task_id}', taskPath(kind, taskId, projectId))),
      update: (patch: Schemas['TaskPatch']) => unwrap(client.PATCH('/_mock/tasks/{kind}/{task_id}', { ...taskPath(kind, taskId, projectId), body: patch })),
      remove: () => unwrap(client.DELETE('/_mock/tasks/{kind}/{task_id}', taskPath(kind, taskId, projectId))),
      advance: () => unwrap(client.POST('/_mock/tasks/{kind}/{task_id}/advance', taskPath(kind, taskId, projectId))),
    }),
    faults: {
      add: (rule: FaultRuleInput) => unwrap(client.POST('/_mock/faults', { body: rule })),
      list: async () => (await unwrap(client.GET('/_mock/faults'))).faults,
      remove: (id: string) => unwrap(client.DELETE('/_mock/faults/{id}', { params: { path: { id } } })),
      clear: async (projectId?: string) =>
        (await unwrap(client.DELETE('/_mock/faults', { params: { query: projectId === undefined ? {} : { project_id: projectId } } }))).faults,
    },
    requests: {
      list: (filter: JournalFilter = {}) => unwrap(client.GET('/_mock/requests', { params: { query: filter } })),
      clear: (projectId?: string) => unwrap(client.DELETE('/_mock/requests', { params: { query: projectId === undefined ? {} : { project_id: projectId } } })),
      /** Resolves once enough matching requests arrived (or the task reached a state); throws a 408 MockControlError. */
      wait: (request: WaitRequest) => unwrap(client.POST('/_mock/requests/wait', { body: request })),
    },
    /** SMN topics mapped to HTTP endpoints (SPEC 8.1): each new one first gets a SubscriptionConfirmation. */
    subscriptions: {
      add: (topicUrn: string, endpoint: string) => unwrap(client.POST('/_mock/subscriptions', { body: { topic_urn: topicUrn, endpoint } })),
      list: async () => (await unwrap(client.GET('/_mock/subscriptions'))).subscriptions,
      remove: (id: string) => unwrap(client.DELETE('/_mock/subscriptions/{id}', { params: { path: { id } } })),
    },
    /** Every delivery attempt of task events, and waits for successful ones; a wait that times out throws a 408 MockControlError. */
    deliveries: {
      list: async (filter: Omit<DeliveryFilter, 'type'> = {}) => (await unwrap(client.GET('/_mock/deliveries', { params: { query: filter } }))).deliveries,
      wait: async (match: DeliveryFilter = {}, count = 1, timeoutMs = 10_000) =>
        (await unwrap(client.POST('/_mock/deliveries/wait', { body: { match, count, timeout_ms: timeoutMs } }))).deliveries,
    },
    /**
     * What happens in the mock, as it happens (GET /_mock/events): `for await (const event of control.events())`.
     * The stream opens before this resolves, so what a test does next is seen; it ends with the signal.
     */
    events: async (query: EventsOptions = {}): Promise<AsyncGenerator<MockEvent>> => {
      const params = new URLSearchParams();
      if (query.types?.length) params.set('types', query.types.join(','));
      if (query.project_id !== undefined) params.set('project_id', query.project_id);
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      if (query.lastEventId !== undefined) headers['last-event-id'] = String(query.lastEventId);
      const response = await (options.fetch ?? fetch)(`${baseUrl}/_mock/events${params.size ? `?${params}` : ''}`, { headers, ...(query.signal ? { signal: query.signal } : {}) });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error_code?: string; error_msg?: string };
        throw new MockControlError(response.status, body.error_code, body.error_msg);
      }
      return readEventStream(response.body);
    },
    clock: {
      get: () => unwrap(client.GET('/_mock/clock')),
      freeze: (now?: string | Date) =>
        unwrap(client.PUT('/_mock/clock', { body: { frozen: true, ...(now === undefined ? {} : { now: typeof now === 'string' ? now : now.toISOString() }) } })),
      unfreeze: () => unwrap(client.PUT('/_mock/clock', { body: { frozen: false } })),
      advance: (seconds: number) => unwrap(client.POST('/_mock/clock/advance', { body: { seconds } })),
    },
    /** How the vendor API authenticates (SPEC 5): the mode and credentials; secrets are never answered. */
    auth: {
      get: () => unwrap(client.GET('/_mock/auth')),
      set: (change: Schemas['AuthChange']) => unwrap(client.PUT('/_mock/auth', { body: change })),
    },
    lifecycle: {
      get: async () => (await unwrap(client.GET('/_mock/lifecycle'))).settings,
      set: async (setting: Schemas['LifecycleSetting']) => (await unwrap(client.PUT('/_mock/lifecycle', { body: setting }))).settings,
      clear: async (scope: { project_id?: string; kind?: TaskKindWord }) =>
        (await unwrap(client.DELETE('/_mock/lifecycle', { params: { query: scope } }))).settings,
    },
    outcomes: {
      /** Every rule, or one project's. */
      get: async (projectId?: string) =>
        (await unwrap(client.GET('/_mock/outcomes', { params: { query: projectId === undefined ? {} : { project_id: projectId } } }))).rules,
      /** Replaces every rule, or only one project's (its rules go first; the others stay). */
      set: async (rules: Schemas['OutcomeRule'][], projectId?: string) =>
        (await unwrap(client.PUT('/_mock/outcomes', { params: { query: projectId === undefined ? {} : { project_id: projectId } }, body: { rules } }))).rules,
    },
  };
}

export type MockControl = ReturnType<typeof mockControl>;
