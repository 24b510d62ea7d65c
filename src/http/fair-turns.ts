// No request starves another (issue 9). libuv (1.46, Node 20) accepts one new connection per turn of the event
// loop, and a turn lasts as long as the requests that arrived in it take to answer: under load from many busy
// keep-alive connections, a connection opened later waited seconds to be accepted at all (200 connections opened
// at once: the last was accepted after 4.2 s, its first answer took 5 s). So a turn gets a budget: requests that
// arrive once it is spent wait, in arrival order, and are answered from the check phase a budget at a time; each
// turn still polls, which accepts the next connection. Under light load nothing waits and nothing is scheduled
// beyond one setImmediate per turn that has requests.

export interface FairTurnsOptions {
  /** Milliseconds of answering per loop turn before later requests wait for the next turn. */
  budgetMs?: number;
  now?: () => number;
  /** Runs fn after the current phase (setImmediate). */
  defer?: (fn: () => void) => void;
}

export class FairTurns {
  private turnStarted = -1;
  private readonly queue: Array<() => void> = [];
  private draining = false;
  private readonly budgetMs: number;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;

  constructor(options: FairTurnsOptions = {}) {
    this.budgetMs = options.budgetMs ?? 2;
    this.now = options.now ?? (() => performance.now());
    this.defer = options.defer ?? ((fn) => void setImmediate(fn));
  }

  /** How many requests wait for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `proceed` now, or in a later turn when this one's budget is spent or others wait before it. */
  admit(proceed: () => void): void {
    const now = this.now();
    if (this.turnStarted < 0) {
      this.turnStarted = now;
      // Scheduled during the poll phase, this runs in the same turn's check phase: the turn is over.
      this.defer(() => {
        this.turnStarted = -1;
      });
    }
    if (this.queue.length === 0 && now - this.turnStarted <= this.budgetMs) {
      proceed();
      return;
    }
    this.queue.push(proceed);
    if (!this.draining) {
      this.draining = true;
      // Twice: the first runs in this turn's check phase, the second in the next turn's, after its poll.
      this.defer(() => this.defer(() => this.drain()));
    }
  }

  private drain(): void {
    const started = this.now();
    while (this.queue.length > 0 && this.now() - started <= this.budgetMs) this.queue.shift()!();
    if (this.queue.length > 0) this.defer(() => this.drain());
    else this.draining = false;
  }
}
