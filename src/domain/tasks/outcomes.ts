// Outcome rules (SPEC 4.3, 6.5): which created tasks fail, need audit, end CANCELED by themselves or succeed
// only in part, and with which code and message. The first rule that matches a task decides; a task no rule
// matches succeeds. The rule is applied when the task is created, so a task's fate does not change under it.
import type { components } from '../../contract/mock-control.generated.js';
import { TASK_KINDS, taskKindByPath, type TaskKind } from './task-kinds.js';
import { invalidParameter } from '../vendor-errors.js';

/** A rule as the control plane's document defines it. */
export type OutcomeRule = components['schemas']['OutcomeRule'];
export type OutcomeName = OutcomeRule['outcome'];

/** What a task will do, decided at its creation. */
export interface Outcome {
  outcome: OutcomeName;
  error_code?: string;
  description?: string;
  failed_templates?: number;
}

export const DEFAULT_OUTCOME_RULES: readonly OutcomeRule[] = [{ input_object: 'fail-*', outcome: 'fail' }];

/** Whether a kind's model can show this outcome (succeed, fail and cancel every kind can). */
function kindHas(kind: TaskKind, outcome: OutcomeName): boolean {
  return (outcome !== 'partial' && outcome !== 'audit') || (kind.specialOutcomes ?? []).includes(outcome);
}

/** The kinds (by path word) that can show this outcome. */
const kindsWith = (outcome: OutcomeName) => TASK_KINDS.filter((k) => kindHas(k, outcome)).map((k) => k.path);

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`, 'u');
}

export class OutcomeRules {
  private rules: OutcomeRule[] = [];
  private compiled: Array<RegExp | undefined> = [];

  constructor(rules: readonly OutcomeRule[] = DEFAULT_OUTCOME_RULES) {
    this.set(rules);
  }

  list(): OutcomeRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Replaces every rule. Throws MPC.10202 naming the rule that cannot apply. */
  set(rules: readonly OutcomeRule[]): OutcomeRule[] {
    rules.forEach((rule, i) => {
      const kind = rule.kind === undefined ? undefined : taskKindByPath(rule.kind);
      if (kind && !kindHas(kind, rule.outcome)) {
        throw invalidParameter(`rules[${i}].outcome ${rule.outcome} applies to ${kindsWith(rule.outcome).join(', ')} only`);
      }
    });
    this.rules = rules.map((r) => ({ ...r }));
    this.compiled = this.rules.map((r) => (r.input_object === undefined ? undefined : globToRegExp(r.input_object)));
    return this.list();
  }

  /** A project's rules: those that name it. */
  listProject(projectId: string): OutcomeRule[] {
    return this.list().filter((r) => r.project_id === projectId);
  }

  /**
   * Replaces one project's rules, leaving every other rule as it is; they go first, so they decide for the
   * project before any rule for everyone. Answers the project's rules.
   */
  setProject(projectId: string, rules: readonly OutcomeRule[]): OutcomeRule[] {
    rules.forEach((rule, i) => {
      if (rule.project_id !== undefined && rule.project_id !== projectId) {
        throw invalidParameter(`rules[${i}].project_id must be ${projectId}, the project being set, or absent`);
      }
    });
    const own = rules.map((r) => ({ ...r, project_id: projectId }));
    this.set([...own, ...this.rules.filter((r) => r.project_id !== projectId)]);
    return this.listProject(projectId);
  }

  /** The outcome of a new task of this kind, in this project, reading this input object. */
  decide(kind: TaskKind, projectId: string, inputObject: string): Outcome {
    const fileName = inputObject.replace(/\/+$/, '').split('/').pop() ?? '';
    for (const [i, rule] of this.rules.entries()) {
      if (rule.kind !== undefined && rule.kind !== kind.path) continue;
      if (rule.project_id !== undefined && rule.project_id !== projectId) continue;
      // A rule without a kind that names an outcome some kinds cannot show passes over those kinds.
      if (!kindHas(kind, rule.outcome)) continue;
      if (this.compiled[i] && !this.compiled[i]!.test(fileName)) continue;
      const { outcome, error_code, description, failed_templates } = rule;
      return {
        outcome,
        ...(error_code !== undefined ? { error_code } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(failed_templates !== undefined ? { failed_templates } : {}),
      };
    }
    return { outcome: 'succeed' };
  }
}
