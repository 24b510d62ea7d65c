// The control plane for a mock started in-process (startMpcMock): the same operations as /_mock/, called
// directly, with their inputs checked by the same document, so a test steers the mock without HTTP.
import type { Contract } from '../contract/openapi.js';
import type { components } from '../contract/mock-control.generated.js';
import { changeAuth, type AuthChange, type AuthView } from '../domain/auth/auth.js';
import type { MpcService } from '../domain/mpc-service.js';
import type { LifecycleSetting } from '../domain/tasks/lifecycle-settings.js';
import type { OutcomeRule } from '../domain/tasks/outcomes.js';
import { requireTaskKindByPath, type TaskDocument } from '../domain/tasks/task-kinds.js';
import { invalidParameter, mockTaskNotFound } from '../domain/vendor-errors.js';
import { bindBody } from '../http/request-body.js';

type Schemas = components['schemas'];
export type TaskKindWord = Schemas['TaskKind'];

export interface ClockControl {
  /** The mock's time. */
  now(): Date;
  frozen(): boolean;
  /** Stops the clock where it stands, or at `at` (any time, earlier ones included). */
  freeze(at?: Date | string | number): Date;
  /** Lets it run again from where it stands. */
  unfreeze(): Date;
  /** Moves it on; answers the new time. */
  advance(seconds: number): Date;
}

export interface LifecycleControl {
  /** Every setting in force, the global one first. */
  get(): Schemas['LifecycleSetting'][];
  /** Sets the setting of the scope it names (everything, a project, a kind, or both). */
  set(setting: Schemas['LifecycleSetting']): Schemas['LifecycleSetting'][];
  /** Removes the setting of a project, a kind, or both. */
  clear(scope: { project_id?: string; kind?: TaskKindWord }): Schemas['LifecycleSetting'][];
}

export interface OutcomeControl {
  /** Every rule, or one project's. */
  get(projectId?: string): Schemas['OutcomeRule'][];
  /** Replaces every rule, or one project's; the first that matches a created task decides its fate. */
  set(rules: Schemas['OutcomeRule'][], projectId?: string): Schemas['OutcomeRule'][];
}

export interface TaskControl {
  /** Moves one created task one state on; answers it. Throws for an unknown or final task. */
  advance(kind: TaskKindWord, taskId: string, projectId?: string): TaskDocument;
}

export interface AuthControl {
  /** The mode and the access keys with their projects; never a secret key or a token. */
  get(): AuthView;
  /** Changes the mode, the credentials (replaced whole), or both; answers the settings in force. */
  set(change: AuthChange): AuthView;
}

export interface InProcessControls {
  clock: ClockControl;
  auth: AuthControl;
  lifecycle: LifecycleControl;
  outcomes: OutcomeControl;
  tasks: TaskControl;
}

export function inProcessControls(service: MpcService, contract: Contract): InProcessControls {
  const lifecycleBody = bindBody<LifecycleSetting>(contract, 'setLifecycle');
  const outcomesBody = bindBody<{ rules: OutcomeRule[] }>(contract, 'setOutcomes');
  const authBody = bindBody<AuthChange>(contract, 'setAuth');
  const clock = service.clock;
  const toMs = (at: Date | string | number) => {
    const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
    if (!Number.isFinite(ms)) throw invalidParameter(`${String(at)} is not a time`);
    return ms;
  };
  return {
    clock: {
      now: () => new Date(clock.now()),
      frozen: () => clock.state().frozen,
      freeze(at) {
        const state = clock.freeze(at === undefined ? undefined : toMs(at));
        // As POST /_mock/clock does: what the move made due happens now, and the one timer stops (frozen).
        service.settle();
        service.deliveries.kick();
        service.deliveries.arm();
        return new Date(state.now);
      },
      unfreeze() {
        const state = clock.unfreeze();
        // A running clock needs the one timer for the next due time; a frozen one had none.
        service.deliveries.arm();
        return new Date(state.now);
      },
      advance(seconds) {
        const state = clock.advance(seconds);
        // The events the move causes go out now, in order, though this call does not wait for them (the control
        // plane's POST /_mock/clock/advance does).
        // Settled even with no subscriber: a transition is judged at the moment it happened (see control-plane.ts).
        service.settle();
        service.deliveries.kick();
        return new Date(state.now);
      },
    },
    auth: {
      get: () => service.auth.view(),
      set: (change) => changeAuth(service.auth, authBody(structuredClone(change))),
    },
    lifecycle: {
      get: () => service.lifecycleSettings(),
      // A copy goes to the validator: it fills in defaults and drops unknown fields.
      set: (setting) => service.setLifecycle(lifecycleBody(structuredClone(setting))),
      clear: (scope) => service.clearLifecycle(scope.project_id, scope.kind),
    },
    outcomes: {
      get: (projectId) => (projectId === undefined ? service.outcomes.list() : service.outcomes.listProject(projectId)),
      set(rules, projectId) {
        const checked = outcomesBody({ rules: structuredClone(rules) }).rules;
        return projectId === undefined ? service.outcomes.set(checked) : service.outcomes.setProject(projectId, checked);
      },
    },
    tasks: {
      advance(word, taskId, projectId) {
        const task = service.advanceTask(requireTaskKindByPath(word), projectId, taskId);
        if (!task) throw mockTaskNotFound(word, taskId, projectId);
        return task;
      },
    },
  };
}
