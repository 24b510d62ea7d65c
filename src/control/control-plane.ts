// The control plane (SPEC 6): everything under /_mock/, beside the vendor API and with its own document
// (openapi/mock-control.yaml). It steers the emulated backend through the domain (the clock, the lifecycle and
// outcome settings, moving a task on); the vendor routes never learn about it. Each operation is bound here
// by its operationId, so its path, parameters and body rules come from the document.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Contract } from '../contract/openapi.js';
import type { MpcService } from '../domain/mpc-service.js';
import type { LifecycleSetting } from '../domain/lifecycle-settings.js';
import type { OutcomeRule } from '../domain/outcomes.js';
import { taskKindByPath, type TaskKind } from '../domain/task-kinds.js';
import { invalidParameter, mockTaskNotFound } from '../domain/vendor-errors.js';
import { bindParameters, fastifyPath, type RawQuery } from '../http/parameters.js';
import { bindBody } from '../http/request-body.js';

export interface ControlPlaneDependencies {
  controlContract: Contract;
  service: MpcService;
}

type Input = { params: Record<string, unknown>; body: unknown; reply: FastifyReply };

/** Registers one operation of the control document: parameters and body checked against it, then `handle`. */
function bind(app: FastifyInstance, contract: Contract, operationId: string, handle: (input: Input) => unknown): void {
  const op = contract.operation(operationId);
  const readParams = bindParameters<Record<string, unknown>>(op);
  const readBody = op.operation.requestBody ? bindBody(contract, operationId) : undefined;
  app.route({
    method: op.method as 'GET',
    url: fastifyPath(op.path),
    handler: async (request, reply) => {
      const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
      const body = readBody ? readBody(request.body) : undefined;
      return handle({ params, body, reply });
    },
  });
}

const kindOf = (word: unknown): TaskKind => {
  const kind = taskKindByPath(String(word));
  // The document's enum has already refused anything else; this is the lookup, not a second check.
  if (!kind) throw invalidParameter(`kind ${String(word)} is not a task kind`);
  return kind;
};

export function registerControlPlane(app: FastifyInstance, deps: ControlPlaneDependencies): void {
  const { controlContract: contract, service } = deps;
  const clock = service.clock;
  const clockBody = () => {
    const { now, frozen } = clock.state();
    return { now: new Date(now).toISOString(), frozen };
  };

  // SPEC 6.1: the app is only built once the fixtures are in the store, so a server that answers has them.
  bind(app, contract, 'getHealth', () => ({ status: 'ok' }));
  bind(app, contract, 'headHealth', () => ({ status: 'ok' }));
  app.get('/_mock/openapi.json', async () => contract.document);

  // SPEC 6.5: the clock.
  bind(app, contract, 'getClock', clockBody);
  bind(app, contract, 'setClock', ({ body }) => {
    const change = body as { frozen: boolean; now?: string };
    if (change.frozen) clock.freeze(change.now === undefined ? undefined : Date.parse(change.now));
    else if (change.now !== undefined) throw invalidParameter('now can only be given with frozen true');
    else clock.unfreeze();
    return clockBody();
  });
  bind(app, contract, 'advanceClock', ({ body }) => {
    clock.advance((body as { seconds: number }).seconds);
    return clockBody();
  });

  // The lifecycle settings and the outcome rules.
  bind(app, contract, 'getLifecycle', () => ({ settings: service.lifecycleSettings() }));
  bind(app, contract, 'setLifecycle', ({ body }) => ({ settings: service.setLifecycle(body as LifecycleSetting) }));
  bind(app, contract, 'clearLifecycle', ({ params }) => ({
    settings: service.clearLifecycle(params.project_id as string | undefined, params.kind as string | undefined),
  }));
  bind(app, contract, 'getOutcomes', () => ({ rules: service.outcomes.list() }));
  bind(app, contract, 'setOutcomes', ({ body }) => ({ rules: service.outcomes.set((body as { rules: OutcomeRule[] }).rules) }));

  // One task one state on.
  bind(app, contract, 'advanceTask', ({ params }) => {
    const kind = kindOf(params.kind);
    const projectId = params.project_id as string | undefined;
    const task = service.advanceTask(kind, projectId, params.task_id as string);
    if (!task) throw mockTaskNotFound(`Task ${kind.path}/${String(params.task_id)} ${projectId ? `in project ${projectId}` : 'among the shared fixtures'}`);
    return task;
  });
}
