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
  /** The rule acts on event deliveries (SMN messages the mock sends), never on requests. */
  delivery?: boolean;
  event_type?: string;
  topic_urn?: string;
}

export interface FaultRuleInput {
  match?: FaultMatch;
  response?: { status: number; body?: unknown; headers?: Record<string, string> };
  drop?: boolean;
  broken_body?: boolean;
  /** Delivery rules: send the message twice, after the next one, or to an endpoint that refuses it. */
  duplicate?: boolean;
  reorder?: boolean;
  dead_endpoint?: boolean;
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

/** What a delivery that a rule fired on gets. */
export interface DeliveryFaultAction {
  ruleId: string;
  delayMs: number;
  drop: boolean;
  duplicate: boolean;
  reorder: boolean;
  deadEndpoint: boolean;
}

/** What a delivery rule matches on. */
export interface DeliveryFacts {
  kind?: string | undefined;
  project_id?: string | undefined;
  task_id?: string | undefined;
  event_type?: string | undefined;
  topic_urn: string;
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
      if (rule.match?.delivery) continue;
      const { kind, project_id, task_id, method, path } = rule.match ?? {};
      const filter = { kind, project_id, task_id, method, path };
      if (!entryMatches(filter, facts as never, live.glob)) continue;
      if (!this.fires(live)) continue;
      const delayMs = this.delayOf(live);
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

  /** The first delivery rule that fires on this delivery, counting the match on every rule that matches it. */
  decideDelivery(facts: DeliveryFacts): DeliveryFaultAction | undefined {
    for (const live of this.rules) {
      const { rule } = live;
      const m = rule.match;
      if (!m?.delivery) continue;
      if (m.kind !== undefined && m.kind !== facts.kind) continue;
      if (m.project_id !== undefined && m.project_id !== facts.project_id) continue;
      if (m.task_id !== undefined && m.task_id !== facts.task_id) continue;
      if (m.event_type !== undefined && m.event_type !== facts.event_type) continue;
      if (m.topic_urn !== undefined && m.topic_urn !== facts.topic_urn) continue;
      if (!this.fires(live)) continue;
      return {
        ruleId: rule.id,
        delayMs: this.delayOf(live),
        drop: rule.drop === true,
        duplicate: rule.duplicate === true,
        reorder: rule.reorder === true,
        deadEndpoint: rule.dead_endpoint === true,
      };
    }
    return undefined;
  }

  /** Counts a match of the rule and answers whether it fires on it (after, times, probability). */
  private fires(live: LiveRule): boolean {
    const { rule } = live;
    rule.matched++;
    if (rule.matched <= (rule.after ?? 0)) return false;
    if (rule.times !== undefined && rule.fired >= rule.times) return false;
    if (rule.probability !== undefined && live.random() >= rule.probability) return false;
    rule.fired++;
    return true;
  }

  private delayOf(live: LiveRule): number {
    const delay = live.rule.delay_ms;
    return delay === undefined ? 0 : Array.isArray(delay) ? delay[0] + Math.floor(live.random() * (delay[1] - delay[0] + 1)) : delay;
  }
}
