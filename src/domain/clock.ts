// The mock's clock. Every time the mock writes or compares (create_time, state changes, signature expiry) comes
// from here, never from Date.now() directly, so that tests can freeze it and move it on instead of sleeping.

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
    this.frozenAt = at ?? this.now();
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
    const ms = Math.round(seconds * 1000);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offset += ms;
    return this.state();
  }
}
