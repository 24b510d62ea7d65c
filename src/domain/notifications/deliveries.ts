// SMN deliveries (SPEC 8, 8.1): topic subscriptions of HTTP endpoints, an outbox of messages due on the mock's
// clock, sent to each subscription in order (different subscriptions in parallel), retries failures with backoff (on the same clock), and a
// journal of every attempt with waits on it. Nothing runs on a timer per task or per message: the outbox is
// sent when the clock says it is due, and on a running clock one timer wakes the mock at the next due time.
//
// Subscriptions, the outbox and the journal live in memory, like fault rules and the request journal: they
// are how a test wires the mock to its receivers, not data of the emulated service, and an endpoint a test
// started is gone when the mock restarts. A reset of everything goes back to the subscriptions given at start.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { MockClock } from '../steering/clock.js';
import type { DeliveryFaultAction, FaultRules } from '../steering/faults.js';
import { kindOfEvent, type EventMessage, type EventType } from './notifications.js';
import type { SmnSigner } from './smn-signing.js';

export interface Subscription {
  id: string;
  topic_urn: string;
  endpoint: string;
  confirmed: boolean;
  created_at: string;
}

type MessageType = 'Notification' | 'SubscriptionConfirmation';

export interface DeliveryEntry {
  id: number;
  time: string;
  message_id: string;
  type: MessageType;
  topic_urn: string;
  endpoint: string;
  subscription_id: string;
  project_id?: string;
  event_type?: EventType;
  task_id?: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'dropped';
  status?: number;
  error?: string;
  fault?: string;
  body: Record<string, unknown>;
}

export interface DeliveryFilter {
  topic_urn?: string;
  event_type?: string;
  task_id?: string;
  project_id?: string;
  type?: string;
}

/** What the dispatcher sends: one signed envelope to one endpoint. Answers the status, or throws. */
export type DeliverySender = (endpoint: string, headers: Record<string, string>, body: string) => Promise<number>;

export interface DeliveryOptions {
  clock: MockClock;
  faults: FaultRules;
  signer: SmnSigner;
  /** How many times a failed delivery is tried again (default 3). */
  retries?: number;
  /** The wait before the first retry, doubled for each one after (default 1 s of the mock's clock). */
  backoffMs?: number;
  /** How the mock's URLs are written into envelopes (signing_cert_url, unsubscribe_url, subscribe_url). */
  baseUrl?: () => string;
  send?: DeliverySender;
  /** Subscriptions made at start (--subscribe): a reset of everything goes back to them. */
  initial?: ReadonlyArray<{ topic_urn: string; endpoint: string }>;
}

interface Pending {
  seq: number;
  dueAt: number;
  attempt: number;
  subscription: Subscription;
  type: MessageType;
  body: Record<string, unknown>;
  event?: EventMessage;
  /** A fault rule already acted on this message (rules act once per message, on its first attempt). */
  faulted?: string;
  /** Sent to this endpoint instead (a dead_endpoint fault). */
  endpoint?: string;
  /** Where it sorts instead of its own place: just after another message (a reorder fault). */
  sortAs?: { task: number; seq: number };
  /** Sent when a reset or its subscription's removal dropped it: its outcome is neither journaled nor retried. */
  cancelled?: boolean;
}

/** The journal keeps the last this many attempts: a long-lived mock in a compose stack does not grow without end. */
const DELIVERY_JOURNAL_SIZE = 10_000;

/**
 * An endpoint as the control plane shows it and the journal keeps it: credentials in its user-info (a receiver
 * behind basic auth, `https://user:secret@host/`) are replaced with `***`. The full URL is what is sent to.
 */
function redactUserInfo(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (url.username === '' && url.password === '') return endpoint;
    url.username = '***';
    url.password = '';
    return url.toString();
  } catch {
    return endpoint;
  }
}

const shown = (s: Subscription): Subscription => ({ ...s, endpoint: redactUserInfo(s.endpoint) });

/** An endpoint nothing listens on: port 1 of the loopback refuses connections at once. */
const DEAD_ENDPOINT = 'http://127.0.0.1:1/';

/** SMN's envelope time: ISO 8601 to the second (`2016-08-15T07:29:16Z`). */
const smnTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const isoTime = (ms: number) => new Date(ms).toISOString();

/** Sends with node:http(s), one connection per message, so nothing is left open for a receiver to wait on. */
export const httpSender: DeliverySender = (endpoint, headers, body) =>
  new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5000 ms')));
    req.on('error', reject);
    req.end(body);
  });

export class Deliveries {
  private subscriptions: Subscription[] = [];
  private nextSubscription = 1;
  private queue: Pending[] = [];
  private seq = 0;
  private journal: DeliveryEntry[] = [];
  private nextEntry = 1;
  private waiters = new Set<{ filter: DeliveryFilter; count: number; found: DeliveryEntry[]; resolve: (found: DeliveryEntry[] | undefined) => void }>();
  /** One sender per subscription with something due: each sends its own messages in order, beside the others. */
  private lanes = new Map<Subscription, Promise<void>>();
  /** A message a reorder fault holds back until the next one to its subscription is queued. */
  private held = new Map<Subscription, Pending>();
  /** Messages being sent now: a reset or an unsubscribe marks them cancelled, as it drops the queued ones. */
  private inFlight = new Set<Pending>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly send: DeliverySender;
  private baseUrl: () => string;
  /**
   * Brings the mock's tasks up to date with the clock (which may enqueue their events). Run when the one timer
   * fires, and before a subscription changes: an event is decided at the moment it happened, with the
   * subscriptions in force then, however late the mock catches up.
   */
  settle: () => void = () => {};
  /** The next time a task changes state on its own, or null: the timer wakes for it too when events may follow. */
  nextTaskDue: () => number | null = () => null;

  constructor(private readonly options: DeliveryOptions) {
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 1000;
    this.send = options.send ?? httpSender;
    this.baseUrl = options.baseUrl ?? (() => 'http://127.0.0.1');
    for (const s of options.initial ?? []) this.subscribe(s.topic_urn, s.endpoint);
  }

  useBaseUrl(baseUrl: () => string): void {
    this.baseUrl = baseUrl;
  }

  // Subscriptions

  subscribe(topicUrn: string, endpoint: string): Subscription {
    this.settle();
    const now = this.options.clock.now();
    const subscription: Subscription = { id: `s-${this.nextSubscription++}`, topic_urn: topicUrn, endpoint, confirmed: false, created_at: isoTime(now) };
    this.subscriptions.push(subscription);
    // SMN first sends a new HTTP subscriber a confirmation; deliveries do not wait for it (SPEC 8.1).
    const body: Record<string, unknown> = {
      type: 'SubscriptionConfirmation',
      signature_version: 'v1',
      message_id: randomBytes(16).toString('hex'),
      topic_urn: topicUrn,
      message: `You are invited to subscribe to topic: ${topicUrn}. To confirm this subscription, please visit the following subscribe_url in this message.`,
      timestamp: smnTime(now),
    };
    this.enqueue({ subscription, type: 'SubscriptionConfirmation', body, dueAt: now });
    return shown(subscription);
  }

  listSubscriptions(): Subscription[] {
    return this.subscriptions.map(shown);
  }

  hasSubscriptions(): boolean {
    return this.subscriptions.length > 0;
  }

  /** Removes a subscription; answers it as it was, or undefined for an unknown one. */
  unsubscribe(id: string): Subscription | undefined {
    this.settle();
    const removed = this.subscriptions.find((s) => s.id === id);
    if (!removed) return undefined;
    this.subscriptions = this.subscriptions.filter((s) => s !== removed);
    this.queue = this.queue.filter((p) => p.subscription.id !== id);
    this.cancelInFlight((p) => p.subscription.id === id);
    this.held.delete(removed);
    return shown(removed);
  }

  confirm(id: string): Subscription | undefined {
    const subscription = this.subscriptions.find((s) => s.id === id);
    if (subscription) subscription.confirmed = true;
    return subscription && shown(subscription);
  }

  // The outbox

  /** Queues the messages of events for every endpoint subscribed to their topics, due at the event's time. */
  publish(messages: readonly EventMessage[]): void {
    let queued = false;
    for (const event of messages) {
      for (const subscription of this.subscriptions) {
        if (subscription.topic_urn !== event.topicUrn) continue;
        const message_id = randomBytes(16).toString('hex');
        const body: Record<string, unknown> = {
          type: 'Notification',
          signature_version: 'v1',
          message_id,
          topic_urn: event.topicUrn,
          subject: event.subject,
          message: event.message,
          timestamp: smnTime(event.at),
        };
        this.enqueue({ subscription, type: 'Notification', body, event, dueAt: event.at });
        queued = true;
      }
    }
    // Sent once the caller's synchronous work is done: a settlement queues every task's events first, so they
    // go out in the order they happened, not in the order the store handed the tasks over.
    if (queued) queueMicrotask(() => this.kick());
  }

  private enqueue(p: Omit<Pending, 'seq' | 'attempt'> & { attempt?: number }): void {
    const queued: Pending = { attempt: 1, ...p, seq: this.seq++ };
    this.queue.push(queued);
    const held = this.held.get(p.subscription);
    if (held) {
      this.held.delete(p.subscription);
      this.queueAfter(held, queued);
    }
    this.sortQueue();
  }

  /** Queues `p` to be sent just after `next` (a reorder fault). */
  private queueAfter(p: Pending, next: Pending): void {
    this.queue.push({ ...p, dueAt: next.dueAt, sortAs: { task: taskOrder(next), seq: (next.sortAs?.seq ?? next.seq) + 0.5 } });
    this.sortQueue();
  }

  /**
   * Due time first; at the same time, a confirmation before any event, then events by task in creation order
   * (ids are issued in order), then in the order queued: so one clock advance that settles several tasks sends
   * their events in the order they happened, whatever order the store handed the tasks over in.
   */
  private sortQueue(): void {
    this.queue.sort((a, b) => a.dueAt - b.dueAt || taskOrder(a) - taskOrder(b) || (a.sortAs?.seq ?? a.seq) - (b.sortAs?.seq ?? b.seq));
  }

  /**
   * Starts sending what is due: one sender per subscription that has something due and none running. Each sends
   * its subscription's messages one at a time, in order; different subscriptions are sent to in parallel, so a
   * dead or slow endpoint holds up only its own messages.
   */
  /** Hears every attempt recorded, while set (an event stream listens). */
  tap: ((entry: DeliveryEntry) => void) | undefined;

  kick(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    for (const p of this.queue) {
      if (p.dueAt > now) break;
      const subscription = p.subscription;
      if (this.lanes.has(subscription)) continue;
      const lane = this.send1(subscription).finally(() => {
        this.lanes.delete(subscription);
        // Something may have been queued for it as it finished.
        this.kick();
      });
      this.lanes.set(subscription, lane);
    }
    // Nothing to send now: the one timer waits for what is due next (a sender sets it when the last one ends).
    if (this.lanes.size === 0) this.arm();
  }

  /**
   * Resolves once nothing due is left to send (retries that are due later stay queued), or after `timeoutMs`:
   * the control plane's clock calls answer only after the deliveries they caused.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.kick();
    while (this.lanes.size > 0 && Date.now() < deadline) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.lanes.values()), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
      // A sender that ended may have left work due (something was queued as it finished).
      if (this.lanes.size === 0 && this.dueNow()) this.kick();
    }
  }

  private dueNow(): boolean {
    return this.queue.length > 0 && this.queue[0]!.dueAt <= this.options.clock.now();
  }

  /** Sends one subscription's due messages, in the queue's order, until none is due. */
  private async send1(subscription: Subscription): Promise<void> {
    while (!this.stopped) {
      const now = this.options.clock.now();
      const index = this.queue.findIndex((q) => q.subscription === subscription && q.dueAt <= now);
      if (index < 0) return;
      const p = this.queue.splice(index, 1)[0]!;
      if (!p.faulted && p.attempt === 1) {
        const action = this.options.faults.decideDelivery({
          kind: p.event ? kindWord(p.event.eventType) : undefined,
          project_id: p.event?.projectId,
          task_id: p.event?.taskId,
          event_type: p.event?.eventType,
          topic_urn: p.subscription.topic_urn,
        });
        if (action && this.applyFault(p, action)) continue;
      }
      await this.attempt(p);
    }
  }

  /** Applies a delivery fault; answers true when the message is not to be sent now. */
  private applyFault(p: Pending, action: DeliveryFaultAction): boolean {
    p.faulted = action.ruleId;
    if (action.drop) {
      this.record(p, { outcome: 'dropped' });
      return true;
    }
    if (action.delayMs > 0) {
      // On the mock's clock: a frozen clock delivers it when moved past the delay.
      this.queue.push({ ...p, dueAt: p.dueAt + action.delayMs, ...(action.deadEndpoint ? { endpoint: DEAD_ENDPOINT } : {}) });
      if (action.duplicate) this.queue.push({ ...p, dueAt: p.dueAt + action.delayMs, seq: this.seq++ });
      this.sortQueue();
      return true;
    }
    if (action.reorder) {
      // After the next message due to the same endpoint: it takes this one's place in that endpoint's order
      // (another subscription's messages are no order of this one's). With none due yet, it waits for it.
      const now = this.options.clock.now();
      const next = this.queue.find((q) => q.subscription === p.subscription && q.dueAt <= now);
      if (next) this.queueAfter(p, next);
      else this.held.set(p.subscription, p);
      return true;
    }
    if (action.duplicate) this.queue.unshift({ ...p, seq: this.seq++ });
    if (action.deadEndpoint) p.endpoint = DEAD_ENDPOINT;
    return false;
  }

  private async attempt(p: Pending): Promise<void> {
    const now = this.options.clock.now();
    const base = this.baseUrl();
    const body: Record<string, unknown> = { ...p.body, signing_cert_url: `${base}/_mock/smn/signing-cert.pem` };
    // The mock's own URLs are written when sent: the mock's address is known only once it listens.
    if (p.type === 'Notification') body.unsubscribe_url = `${base}/_mock/subscriptions/${p.subscription.id}/unsubscribe`;
    else body.subscribe_url = `${base}/_mock/subscriptions/${p.subscription.id}/confirm`;
    body.signature = this.options.signer.sign(body);
    const headers = {
      'content-type': 'application/json; charset=UTF-8',
      'x-smn-message-type': p.type,
      'x-smn-message-id': String(body.message_id),
      'x-smn-topic-urn': p.subscription.topic_urn,
    };
    const endpoint = p.endpoint ?? p.subscription.endpoint;
    let status: number | undefined;
    let error: string | undefined;
    this.inFlight.add(p);
    try {
      status = await this.send(endpoint, headers, JSON.stringify(body));
    } catch (e) {
      error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    } finally {
      this.inFlight.delete(p);
    }
    // Dropped while it was on its way (a reset, its subscription removed): its answer belongs to nothing now, and
    // journaled it would satisfy a wait made after the reset, under a subscription id issued again.
    if (p.cancelled) return;
    const delivered = status !== undefined && status >= 200 && status < 300;
    this.record({ ...p, body }, { outcome: delivered ? 'delivered' : 'failed', endpoint, time: now, ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) });
    if (!delivered && p.attempt <= this.retries && !this.stopped) {
      // Backoff on the mock's clock, doubling: a frozen clock retries when moved on.
      const wait = this.backoffMs * 2 ** (p.attempt - 1);
      const { endpoint: _dead, ...rest } = p;
      this.queue.push({ ...rest, attempt: p.attempt + 1, dueAt: this.options.clock.now() + wait });
      this.sortQueue();
    }
  }

  private record(p: Pending, result: { outcome: DeliveryEntry['outcome']; endpoint?: string; time?: number; status?: number; error?: string }): void {
    const entry: DeliveryEntry = {
      id: this.nextEntry++,
      time: isoTime(result.time ?? this.options.clock.now()),
      message_id: String(p.body.message_id),
      type: p.type,
      topic_urn: p.subscription.topic_urn,
      endpoint: redactUserInfo(result.endpoint ?? p.endpoint ?? p.subscription.endpoint),
      subscription_id: p.subscription.id,
      ...(p.event ? { project_id: p.event.projectId, event_type: p.event.eventType, task_id: p.event.taskId } : {}),
      attempt: p.attempt,
      outcome: result.outcome,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(p.faulted ? { fault: p.faulted } : {}),
      body: p.body,
    };
    this.journal.push(entry);
    if (this.journal.length > 2 * DELIVERY_JOURNAL_SIZE) this.journal = this.journal.slice(-DELIVERY_JOURNAL_SIZE);
    this.tap?.(entry);
    if (entry.outcome !== 'delivered') return;
    // Each waiter keeps what it found so far: a new success is one more, or not.
    for (const w of [...this.waiters]) {
      if (!matches(w.filter, entry)) continue;
      w.found.push(entry);
      if (w.found.length >= w.count) {
        this.waiters.delete(w);
        w.resolve(w.found);
      }
    }
  }

  // The one timer

  /** Sets the one timer for the next time something is due, on a running clock; none on a frozen one. */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const next = Math.min(this.queue[0]?.dueAt ?? Infinity, this.nextTaskDue() ?? Infinity);
    if (next === Infinity || this.options.clock.state().frozen) return;
    const wait = Math.max(0, Math.min(next - this.options.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.settle();
      this.kick();
    }, wait);
    this.timer.unref();
  }

  // The journal

  list(filter: DeliveryFilter = {}): DeliveryEntry[] {
    // Older ones are cut off in bulk (record), so a push stays cheap.
    const recent = this.journal.length > DELIVERY_JOURNAL_SIZE ? this.journal.slice(-DELIVERY_JOURNAL_SIZE) : this.journal;
    return recent.filter((e) => matches(filter, e));
  }

  /** Resolves with `count` successful deliveries that pass the filter (those made already count), or undefined after the timeout. */
  waitFor(filter: DeliveryFilter, count: number, timeoutMs: number): Promise<DeliveryEntry[] | undefined> {
    const found = this.list(filter).filter((e) => e.outcome === 'delivered');
    if (found.length >= count) return Promise.resolve(found.slice(0, count));
    return new Promise((resolve) => {
      const waiter = {
        filter,
        count,
        found,
        resolve: (entries: DeliveryEntry[] | undefined) => {
          clearTimeout(timer);
          resolve(entries);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A project's deliveries forgotten (queued and journaled), or, without one, everything back to the start. */
  reset(projectId?: string): void {
    // What a wait found so far is forgotten with the journal it came from.
    for (const w of this.waiters) w.found = w.found.filter((e) => projectId !== undefined && e.project_id !== projectId);
    this.cancelInFlight((p) => projectId === undefined || p.event?.projectId === projectId);
    this.dropHeld((p) => projectId === undefined || p.event?.projectId === projectId);
    if (projectId !== undefined) {
      this.queue = this.queue.filter((p) => p.event?.projectId !== projectId);
      this.journal = this.journal.filter((e) => e.project_id !== projectId);
      return;
    }
    this.queue = [];
    this.journal = [];
    this.subscriptions = [];
    this.nextSubscription = 1;
    for (const s of this.options.initial ?? []) this.subscribe(s.topic_urn, s.endpoint);
    this.kick();
  }

  /**
   * A kind's reset (its tasks alone, of a project or of all): the queued deliveries of its tasks' events go with
   * them, retries included; the journal stays, as the request journal does.
   */
  dropKind(kind: string, projectId?: string): void {
    const of = (p: Pending) => p.event !== undefined && kindWord(p.event.eventType) === kind && (projectId === undefined || p.event.projectId === projectId);
    this.queue = this.queue.filter((p) => !of(p));
    this.dropHeld(of);
    this.cancelInFlight(of);
  }

  private dropHeld(which: (p: Pending) => boolean): void {
    for (const [s, p] of this.held) if (which(p)) this.held.delete(s);
  }

  private cancelInFlight(which: (p: Pending) => boolean): void {
    for (const p of this.inFlight) if (which(p)) p.cancelled = true;
  }

  /** The mock is stopping: no more sends or timers, and every wait ends as timed out. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const w of this.waiters) w.resolve(undefined);
    this.waiters.clear();
  }
}

/** A message's task, for the order of messages due at one time: confirmations first, then tasks as created. */
const taskOrder = (p: Pending) => p.sortAs?.task ?? (p.event ? Number(p.event.taskId) || 0 : -1);

const kindWord = (event: EventType) => kindOfEvent(event).path;

/** Whether a journal entry passes a deliveries filter (SPEC 8.1). */
const matches = (filter: DeliveryFilter, e: DeliveryEntry): boolean =>
  (filter.topic_urn === undefined || e.topic_urn === filter.topic_urn) &&
  (filter.event_type === undefined || e.event_type === filter.event_type) &&
  (filter.task_id === undefined || e.task_id === filter.task_id) &&
  (filter.project_id === undefined || e.project_id === filter.project_id) &&
  (filter.type === undefined || e.type === filter.type);
