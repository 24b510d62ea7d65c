// Fault rules (SPEC 6.3): make the vendor API fail on purpose. A rule matches requests by method, kind, path,
// project and task id, and answers them with a status and body, drops the connection, or sends a broken
// body, after an optional delay; for the next N matches, after skipping N, or with a probability drawn from a
// generator seeded per rule, so a run repeats. The HTTP layer asks `decide` for each vendor request.
import { entryMatches, pathGlob } from './journal.js';

export interface FaultMatch {
  method?: string;
  kind?: string;
  /** A glob over the path: `*` within a segment, `**` across segments. */
  path?: string;
  project_id?: string;
  task_id?: string;
}

export interface FaultRuleInput {
  match?: FaultMatch;
  response?: { status: number; body?: unknown; headers?: Record<string, string> };
  drop?: boolean;
  broken_body?: boolean;
  delay_ms?: number | [number, number];
  times?: number;
  after?: number;
  probability?: number;
  seed?: number;
  description?: string;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  matched: number;
  fired: number;
  created_at: string;
}

/** What a request that a rule fired on gets. */
export interface FaultAction {
  ruleId: string;
  delayMs: number;
  /** Undefined: answer normally (after the delay), unless drop or broken. */
  response?: { status: number; body: unknown; headers: Record<string, string> };
  drop: boolean;
  brokenBody: boolean;
}

export interface RequestFacts {
  method: string;
  path: string;
  kind?: string | undefined;
  project_id?: string | undefined;
  task_id?: string | undefined;
}

/** The vendor's envelope for the statuses a fault most often answers with (shared/reference/error-codes.md). */
export function defaultFaultBody(status: number, requestId: string): Record<string, string> {
  switch (status) {
    case 400:
      return { error_code: 'MPC.10202', error_msg: 'Invalid request parameter.' };
    case 401:
      return { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information.', request_id: requestId };
    case 403:
      return { error_code: 'MPC.10208', error_msg: 'Failed to verify the tenant ID.' };
    case 404:
      return { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment', request_id: requestId };
    case 429:
      return { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached', request_id: requestId };
    case 503:
      return { error_code: 'APIGW.0201', error_msg: 'Backend unavailable.', request_id: requestId };
    case 504:
      return { error_code: 'APIGW.0201', error_msg: 'Backend timeout.', request_id: requestId };
    default:
      return { error_code: 'MPC.10050', error_msg: 'System error. Contact technical support.' };
  }
}

/** A small seeded generator (mulberry32): the same seed gives the same draws. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LiveRule {
  rule: FaultRule;
  glob: RegExp | undefined;
  random: () => number;
}

export class FaultRules {
  private rules: LiveRule[] = [];
  private nextId = 1;

  constructor(private readonly now: () => string) {}

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { id: `f-${this.nextId++}`, ...input, matched: 0, fired: 0, created_at: this.now() };
    this.rules.push({ rule, glob: input.match?.path === undefined ? undefined : pathGlob(input.match.path), random: seeded(input.seed ?? 1) });
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    return this.rules.length < before;
  }

  /** Removes every rule, or those whose match names this project. */
  clear(projectId?: string): void {
    this.rules = projectId === undefined ? [] : this.rules.filter((r) => r.rule.match?.project_id !== projectId);
  }

  /** The first rule that fires on this request, counting the match on every rule that matches it. */
  /** Whether any rule is set: with none, a request need not be looked at. */
  active(): boolean {
    return this.rules.length > 0;
  }

  decide(request: RequestFacts, requestId: string): FaultAction | undefined {
    if (this.rules.length === 0) return undefined;
    const facts = { ...request, status: undefined as number | undefined };
    for (const live of this.rules) {
      const { rule } = live;
      const { kind, project_id, task_id, method, path } = rule.match ?? {};
      const filter = { kind, project_id, task_id, method, path };
      if (!entryMatches(filter, facts as never, live.glob)) continue;
      rule.matched++;
      if (rule.matched <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.probability !== undefined && live.random() >= rule.probability) continue;
      rule.fired++;
      const delay = rule.delay_ms;
      const delayMs = delay === undefined ? 0 : Array.isArray(delay) ? delay[0] + Math.floor(live.random() * (delay[1] - delay[0] + 1)) : delay;
      return {
        ruleId: rule.id,
        delayMs,
        ...(rule.response
          ? { response: { status: rule.response.status, body: rule.response.body ?? defaultFaultBody(rule.response.status, requestId), headers: rule.response.headers ?? {} } }
          : {}),
        drop: rule.drop === true,
        brokenBody: rule.broken_body === true,
      };
    }
    return undefined;
  }
}
