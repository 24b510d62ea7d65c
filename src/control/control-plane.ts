// The control plane (SPEC 6): everything under /_mock/, beside the vendor API and with its own document
// (openapi/mock-control.yaml). It steers the emulated backend through the domain (the clock, the lifecycle and
// outcome settings, moving a task on); the vendor routes never learn about it. Each operation is bound here
// by its operationId, so its path, parameters and body rules come from the document.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Contract } from '../contract/openapi.js';
import { changeAuth, type AuthChange } from '../domain/auth/auth.js';
import type { FaultRuleInput } from '../domain/steering/faults.js';
import type { JournalFilter } from '../domain/steering/journal.js';
import type { DeliveryFilter } from '../domain/notifications/deliveries.js';
import type { MpcService } from '../domain/mpc-service.js';
import { listStoreObjects, obsPlace, type ObjectListingQuery } from '../domain/objects/object-listing.js';
import type { LifecycleSetting } from '../domain/tasks/lifecycle-settings.js';
import type { OutcomeRule } from '../domain/tasks/outcomes.js';
import { requireTaskKindByPath, TASK_KINDS, type TaskDocument, type TaskKind } from '../domain/tasks/task-kinds.js';
import { invalidParameter, mockNotFound, mockTaskNotFound, mockTimeout, mockUnauthorized } from '../domain/vendor-errors.js';
import { checkTaskDocument, FIXTURE_FAMILIES, FixtureError, parseFixtureFile, toFixtureFile } from '../fixture-format/fixture-files.js';
import { bindParameters, fastifyPath, type RawQuery } from '../http/parameters.js';
import { bindBody } from '../http/request-body.js';
import { registerEventStream, type EventStreamOptions } from './event-stream.js';
import { sendVendorError } from '../http/vendor-envelope.js';

export interface ControlPlaneOptions {
  /** false: only /_mock/health answers; every other /_mock/ path is the API gateway's 404 (--no-control-plane). */
  enabled?: boolean;
  /** When set, every control call but health needs `Authorization: Bearer <token>` (--control-token). */
  token?: string;
  /** The event stream's keep-alive and backlog limits (tests shorten them). */
  events?: EventStreamOptions;
}

export interface ControlPlaneDependencies {
  /** The vendor API's document: tasks added or changed here are checked against its schemas. */
  contract: Contract;
  controlContract: Contract;
  service: MpcService;
  controlPlane?: ControlPlaneOptions;
}

type Input = { params: Record<string, unknown>; body: unknown; reply: FastifyReply };

/**
 * Registers one operation of the control document: parameters and body checked against it, then `handle`.
 * `rawBody`: the body reaches `handle` as sent, for the operations that check it by another schema (a fixture
 * file is checked against the vendor API's task schemas, with no coercion).
 */
function bind(app: FastifyInstance, contract: Contract, operationId: string, handle: (input: Input) => unknown, rawBody = false): void {
  const op = contract.operation(operationId);
  const readParams = bindParameters<Record<string, unknown>>(op);
  const readBody = op.operation.requestBody && !rawBody ? bindBody(contract, operationId) : undefined;
  app.route({
    method: op.method as 'GET',
    url: fastifyPath(op.path),
    handler: async (request, reply) => {
      const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
      const body = readBody ? readBody(request.body) : request.body;
      return handle({ params, body, reply });
    },
  });
}

/** Compares two secrets in time that does not depend on where they differ, or on their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const withoutLocation = (detail: string) => detail.replace(/^[\w-]+\[0\](?: \(task_id [^)]*\))?: /, '');

const kindOf = (word: unknown): TaskKind => requireTaskKindByPath(String(word));

const CERTIFICATE_PATH = '/_mock/smn/signing-cert.pem';

/**
 * How long a clock call waits for the deliveries it caused before answering anyway.
 * Deviation: SMN delivers on its own time; the mock's clock calls wait for the deliveries they cause so a test
 * can assert after them. Subscriptions are sent to in parallel, each in its own order, and an attempt waits at
 * most 5 s for an answer (httpSender), so only an endpoint that is slow on three messages in a row, or dead
 * and retried on a clock that keeps moving, makes a call answer before its own deliveries are made.
 */
const DELIVERY_DRAIN_MS = 10_000;

export function registerControlPlane(app: FastifyInstance, deps: ControlPlaneDependencies): void {
  const { controlContract: contract, service } = deps;
  const clock = service.clock;
  const { enabled = true, token } = deps.controlPlane ?? {};
  const clockBody = () => {
    const { now, frozen } = clock.state();
    return { now: new Date(now).toISOString(), frozen };
  };

  // SPEC 6.1: the app is only built once the fixtures are in the store, so a server that answers has them.
  // Where the object store is (SPEC 11.1): what a compose stack's client needs to reach it.
  const objects = deps.service.objects;
  const obs = obsPlace(objects);
  bind(app, contract, 'getHealth', () => ({ status: 'ok', obs }));
  bind(app, contract, 'headHealth', () => ({ status: 'ok', obs }));
  // Switched off, the rest of /_mock/ does not exist: the not-found handler answers APIGW.0101.
  if (!enabled) return;
  // The document is open like health: it describes the control plane and holds no state.
  app.get('/_mock/openapi.json', async () => contract.document);
  if (token !== undefined) {
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?', 1)[0]!;
      // Open like health: what an event handler fetches or visits as it would SMN's (the certificate, a subscribe_url, an unsubscribe_url).
      if (!path.startsWith('/_mock/') || path === '/_mock/health' || path === '/_mock/openapi.json' || path === CERTIFICATE_PATH || /^\/_mock\/subscriptions\/[^/]+\/(?:confirm|unsubscribe)$/.test(path)) return;
      const auth = request.headers.authorization;
      const given = typeof auth === 'string' && /^Bearer /i.test(auth) ? auth.slice(7).trim() : '';
      if (!sameSecret(given, token)) {
        sendVendorError(request, reply, mockUnauthorized());
        return reply;
      }
    });
  }

  // SPEC 12.1: what happens, streamed as it happens.
  registerEventStream(app, contract, service, deps.controlPlane?.events);

  // SPEC 6.5: the clock.
  bind(app, contract, 'getClock', clockBody);
  /**
   * After the clock moved: the tasks it made due change state, and the events that causes are delivered, in
   * order, before the call answers (SPEC 8); retries due later stay queued. On a running clock the one timer
   * is set for what is due next.
   */
  const deliverDue = async () => {
    // Settled even with no subscriber: a transition is judged at the moment it happened, so one that a clock
    // call crossed must not wait for a configuration or a subscription made after it.
    service.settle();
    await service.deliveries.drain(DELIVERY_DRAIN_MS);
  };
  bind(app, contract, 'setClock', async ({ body }) => {
    const change = body as { frozen: boolean; now?: string };
    if (change.frozen) clock.freeze(change.now === undefined ? undefined : Date.parse(change.now));
    else if (change.now !== undefined) throw invalidParameter('now can only be given with frozen true');
    else clock.unfreeze();
    await deliverDue();
    service.deliveries.arm();
    return clockBody();
  });
  bind(app, contract, 'advanceClock', async ({ body }) => {
    clock.advance((body as { seconds: number }).seconds);
    await deliverDue();
    return clockBody();
  });

  // The lifecycle settings and the outcome rules.
  bind(app, contract, 'getLifecycle', () => ({ settings: service.lifecycleSettings() }));
  bind(app, contract, 'setLifecycle', ({ body }) => ({ settings: service.setLifecycle(body as LifecycleSetting) }));
  bind(app, contract, 'clearLifecycle', ({ params }) => ({
    settings: service.clearLifecycle(params.project_id as string | undefined, params.kind as string | undefined),
  }));
  bind(app, contract, 'getOutcomes', ({ params }) => {
    const projectId = params.project_id as string | undefined;
    return { rules: projectId === undefined ? service.outcomes.list() : service.outcomes.listProject(projectId) };
  });
  bind(app, contract, 'setOutcomes', ({ params, body }) => {
    const projectId = params.project_id as string | undefined;
    const rules = (body as { rules: OutcomeRule[] }).rules;
    return { rules: projectId === undefined ? service.outcomes.set(rules) : service.outcomes.setProject(projectId, rules) };
  });

  // SPEC 5: how the vendor API authenticates. Never the control plane itself, which has its token above.
  bind(app, contract, 'getAuth', () => service.auth.view());
  bind(app, contract, 'setAuth', ({ body }) => changeAuth(service.auth, body as AuthChange));

  // SPEC 6.2: state.
  bind(app, contract, 'resetState', ({ body }) => {
    const scope = (body ?? {}) as { project_id?: string; kind?: string };
    const kind = scope.kind === undefined ? undefined : kindOf(scope.kind);
    const tasks = service.resetState({ ...(scope.project_id !== undefined ? { project_id: scope.project_id } : {}), ...(kind ? { kind } : {}) });
    return { ...scope, tasks };
  });
  bind(
    app,
    contract,
    'addTasks',
    ({ body }) => {
      let set;
      try {
        // The fixture loader's own check: the body loads exactly as a fixture file would.
        set = parseFixtureFile(deps.contract, 'body', body ?? {});
      } catch (error) {
        if (error instanceof FixtureError) throw invalidParameter(error.detail);
        throw error;
      }
      service.addTasks(set);
      const projectId = (body as { project_id?: string } | undefined)?.project_id;
      return {
        ...(projectId !== undefined ? { project_id: projectId } : {}),
        added: {
          ...Object.fromEntries(TASK_KINDS.map((kind) => [kind.path, set.tasks.filter((t) => t.kind === kind.name).length])),
          thumbnail_details: set.details.length,
          transcoding_templates: set.templates.length,
          ...Object.fromEntries(FIXTURE_FAMILIES.map((f) => [f.file, set[f.set]?.length ?? 0])),
        },
      };
    },
    true,
  );
  bind(app, contract, 'exportTasks', ({ params }) => {
    const projectId = params.project_id as string | undefined;
    const kind = params.kind === undefined ? undefined : kindOf(params.kind);
    return toFixtureFile(service.exportTasks(projectId, kind), projectId ?? null);
  });
  // SPEC 12.2: the dashboard's Tasks table and Project selector.
  bind(app, contract, 'listTaskTable', ({ params }) =>
    service.taskTable({
      ...(params.kind !== undefined ? { kind: kindOf(params.kind) } : {}),
      ...(params.project_id !== undefined ? { projectId: params.project_id as string } : {}),
      ...(params.status !== undefined ? { status: params.status as string } : {}),
      size: params.size as number,
      ...(params.cursor !== undefined ? { cursor: params.cursor as string } : {}),
    }),
  );
  bind(app, contract, 'listProjects', ({ params }) => ({ projects: service.projects((params.after as string | undefined) ?? '', params.limit as number) }));
  bind(app, contract, 'getTemplates', ({ params }) => service.templateView(params.project_id as string | undefined));
  // SPEC 11.1: what the object store holds, whichever project's task or which client wrote it.
  bind(app, contract, 'listObjects', async ({ params, reply }) => {
    try {
      return await listStoreObjects(objects, params as ObjectListingQuery);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause !== undefined) reply.log.warn({ err: cause }, 'the object store failed to list its objects');
      throw error;
    }
  });
  const taskNotFound = (kind: TaskKind, taskId: unknown, projectId: string | undefined) => mockTaskNotFound(kind.path, String(taskId), projectId);
  bind(app, contract, 'getTask', ({ params }) => {
    const kind = kindOf(params.kind);
    const projectId = params.project_id as string | undefined;
    const task = service.getTask(kind, projectId, params.task_id as string);
    if (!task) throw taskNotFound(kind, params.task_id, projectId);
    return task;
  });
  bind(app, contract, 'updateTask', ({ params, body }) => {
    const kind = kindOf(params.kind);
    const projectId = params.project_id as string | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter('the body must be a partial task document');
    const task = service.patchTask(kind, projectId, params.task_id as string, body as Record<string, unknown>, (changed: TaskDocument) => {
      try {
        checkTaskDocument(deps.contract, kind.path, changed);
      } catch (error) {
        if (error instanceof FixtureError) throw invalidParameter(withoutLocation(error.detail));
        throw error;
      }
    });
    if (!task) throw taskNotFound(kind, params.task_id, projectId);
    return task;
  });
  bind(app, contract, 'removeTask', ({ params, reply }) => {
    const kind = kindOf(params.kind);
    const projectId = params.project_id as string | undefined;
    if (!service.removeTask(kind, projectId, params.task_id as string)) throw taskNotFound(kind, params.task_id, projectId);
    return reply.code(204).send();
  });

  // SPEC 6.3: fault rules.
  bind(app, contract, 'addFault', ({ body, reply }) => {
    const input = body as FaultRuleInput;
    const deliveryActions = (['duplicate', 'reorder', 'dead_endpoint'] as const).filter((a) => input[a] === true);
    if (input.match?.delivery) {
      if (input.response !== undefined || input.broken_body === true) throw invalidParameter('a delivery rule (match.delivery) takes drop, duplicate, reorder, dead_endpoint or delay_ms, not response or broken_body');
      if (input.match.method !== undefined || input.match.path !== undefined) throw invalidParameter('a delivery rule (match.delivery) matches no method or path');
      if ([input.drop === true, ...deliveryActions.map(() => true)].filter(Boolean).length > 1) throw invalidParameter('a delivery rule takes at most one of drop, duplicate, reorder and dead_endpoint');
    } else {
      if (deliveryActions.length > 0) throw invalidParameter(`${deliveryActions[0]} applies to deliveries only: set match.delivery to true`);
      if (input.match?.event_type !== undefined || input.match?.topic_urn !== undefined) throw invalidParameter('match.event_type and match.topic_urn apply to deliveries only: set match.delivery to true');
    }
    const answers = [input.response !== undefined, input.drop === true, input.broken_body === true].filter(Boolean).length;
    if (answers > 1) throw invalidParameter('a fault rule takes at most one of response, drop and broken_body');
    if (Array.isArray(input.delay_ms) && input.delay_ms[0] > input.delay_ms[1]) throw invalidParameter('delay_ms [min, max] needs min <= max');
    return reply.code(201).send(service.faults.add(input));
  });
  bind(app, contract, 'listFaults', () => ({ faults: service.faults.list() }));
  bind(app, contract, 'clearFaults', ({ params }) => {
    service.faults.clear(params.project_id as string | undefined);
    return { faults: service.faults.list() };
  });
  bind(app, contract, 'removeFault', ({ params, reply }) => {
    if (!service.faults.remove(params.id as string)) throw mockNotFound(`Fault rule ${String(params.id)}`);
    return reply.code(204).send();
  });

  // SPEC 6.4: the journal.
  bind(app, contract, 'listRequests', ({ params }) => ({ requests: service.journal.list(params as JournalFilter), dropped: service.journal.dropped() }));
  bind(app, contract, 'clearRequests', ({ params, reply }) => {
    service.journal.clear(params.project_id as string | undefined);
    return reply.code(204).send();
  });
  bind(app, contract, 'waitForRequests', async ({ body }) => {
    const wait = body as { match?: JournalFilter; count?: number; task?: { kind: string; task_id: string; project_id?: string; status: string }; timeout_ms?: number };
    const timeout = wait.timeout_ms ?? 10_000;
    if (wait.task) {
      if (wait.match !== undefined || wait.count !== undefined) throw invalidParameter('a wait takes either task, or match and count');
      const kind = kindOf(wait.task.kind);
      const result = await service.waitForTask(kind, wait.task.project_id, wait.task.task_id, wait.task.status, timeout);
      if ('timedOut' in result) throw mockTimeout(result.timedOut);
      return result;
    }
    const filter = wait.match ?? {};
    const count = wait.count ?? 1;
    const requests = await service.journal.waitFor(filter, count, timeout);
    if (!requests) throw mockTimeout(`${count} request${count === 1 ? '' : 's'} matching ${JSON.stringify(filter)} (${service.journal.list(filter).length} arrived)`);
    return { requests };
  });

  // One task one state on; the events it causes are delivered before the answer.
  bind(app, contract, 'advanceTask', async ({ params }) => {
    const kind = kindOf(params.kind);
    const projectId = params.project_id as string | undefined;
    const task = service.advanceTask(kind, projectId, params.task_id as string);
    if (!task) throw taskNotFound(kind, params.task_id, projectId);
    await deliverDue();
    return task;
  });

  // SPEC 8.1: subscriptions, deliveries, and the certificate that verifies their signatures.
  const deliveries = service.deliveries;
  bind(app, contract, 'addSubscription', ({ body, reply }) => {
    const input = body as { topic_urn: string; endpoint: string };
    try {
      new URL(input.endpoint);
    } catch {
      throw invalidParameter('endpoint must be an http or https URL');
    }
    const subscription = deliveries.subscribe(input.topic_urn, input.endpoint);
    deliveries.kick();
    return reply.code(201).send(subscription);
  });
  bind(app, contract, 'listSubscriptions', () => ({ subscriptions: deliveries.listSubscriptions() }));
  bind(app, contract, 'removeSubscription', ({ params, reply }) => {
    if (!deliveries.unsubscribe(params.id as string)) throw mockNotFound(`Subscription ${String(params.id)}`);
    return reply.code(204).send();
  });
  bind(app, contract, 'unsubscribeSubscription', ({ params }) => {
    const subscription = deliveries.unsubscribe(params.id as string);
    if (!subscription) throw mockNotFound(`Subscription ${String(params.id)}`);
    return subscription;
  });
  bind(app, contract, 'confirmSubscription', ({ params }) => {
    const subscription = deliveries.confirm(params.id as string);
    if (!subscription) throw mockNotFound(`Subscription ${String(params.id)}`);
    return subscription;
  });
  bind(app, contract, 'getSigningCertificate', ({ reply }) => reply.type('application/x-pem-file').send(service.signer.certificatePem()));
  bind(app, contract, 'listDeliveries', ({ params }) => ({ deliveries: deliveries.list(params as DeliveryFilter) }));
  bind(app, contract, 'waitForDeliveries', async ({ body }) => {
    const wait = body as { match?: DeliveryFilter; count: number; timeout_ms: number };
    const filter = wait.match ?? {};
    const found = await deliveries.waitFor(filter, wait.count, wait.timeout_ms);
    if (!found) {
      const made = deliveries.list(filter).filter((d) => d.outcome === 'delivered').length;
      throw mockTimeout(`${wait.count} deliver${wait.count === 1 ? 'y' : 'ies'} matching ${JSON.stringify(filter)} (${made} delivered)`);
    }
    return { deliveries: found };
  });
}
