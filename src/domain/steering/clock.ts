// The mock's clock. Every time the mock writes or compares (create_time, state changes, signature expiry) comes
// from here, never from Date.now() directly, so that tests can freeze it and move it on instead of sleeping.

import { invalidParameter } from '../vendor-errors.js';

/** The times MPC can write (yyyymmddhhmmss has four digits of year): the clock stays within them. */
const FIRST = new Date(0);
FIRST.setUTCFullYear(0, 0, 1);
FIRST.setUTCHours(0, 0, 0, 0);
const LAST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Throws MPC.10202 unless `ms` is a time MPC can write. */
export function checkClockTime(ms: number): number {
  if (!Number.isFinite(ms) || ms < FIRST.getTime() || ms > LAST) {
    throw invalidParameter('the clock must stay between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
  }
  return ms;
}

export interface Clock {
  /** Milliseconds since the epoch, as the mock sees it. */
  now(): number;
}

export interface ClockState {
  now: number;
  frozen: boolean;
}

/**
 * A clock that runs with the system's time, shifted by an offset, or stands still. Freezing keeps the time it
 * reads at that moment (or the one given); unfreezing lets it run again from where it stands; advancing moves
 * it on either way. `source` is the system clock, injected so that the clock itself can be tested.
 */
export class MockClock implements Clock {
  private offset = 0;
  private frozenAt: number | undefined;

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.frozenAt ?? this.source() + this.offset;
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozenAt !== undefined };
  }

  /** Stops the clock, at `at` if given (any time, earlier ones included), else where it stands. */
  freeze(at?: number): ClockState {
    this.frozenAt = checkClockTime(at ?? this.now());
    return this.state();
  }

  /** Lets the clock run again from where it stands. */
  unfreeze(): ClockState {
    if (this.frozenAt !== undefined) {
      this.offset = this.frozenAt - this.source();
      this.frozenAt = undefined;
    }
    return this.state();
  }

  advance(seconds: number): ClockState {
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw invalidParameter('seconds must be a number greater than 0');
    const ms = Math.round(seconds * 1000);
    checkClockTime(this.now() + ms);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offset += ms;
    return this.state();
  }
}
