// The per-turn budget that keeps a busy server accepting and answering new connections (src/http/fair-turns.ts).
import { describe, expect, it } from 'vitest';
import { FairTurns } from '../src/http/fair-turns.js';

/** A fake loop: deferred callbacks run when the test says a phase ends; the clock moves as answers take time. */
function fakeLoop() {
  let time = 0;
  let deferred: Array<() => void> = [];
  return {
    now: () => time,
    defer: (fn: () => void) => void deferred.push(fn),
    spend: (ms: number) => void (time += ms),
    /** Runs what was deferred before this call (one phase). */
    phase() {
      const due = deferred;
      deferred = [];
      due.forEach((fn) => fn());
    },
  };
}

describe('FairTurns', () => {
  it('answers at once while the turn’s budget lasts, and leaves nothing scheduled but the turn’s end', () => {
    const loop = fakeLoop();
    const turns = new FairTurns({ budgetMs: 2, now: loop.now, defer: loop.defer });
    const answered: number[] = [];
    for (let i = 0; i < 3; i++) turns.admit(() => (answered.push(i), loop.spend(0.5)));
    expect(answered).toEqual([0, 1, 2]);
    expect(turns.waiting).toBe(0);
  });

  it('holds requests past the budget, in arrival order, and answers them a budget per later turn', () => {
    const loop = fakeLoop();
    const turns = new FairTurns({ budgetMs: 2, now: loop.now, defer: loop.defer });
    const answered: number[] = [];
    for (let i = 0; i < 10; i++) turns.admit(() => (answered.push(i), loop.spend(1)));
    // 1 ms each: three fit the budget (0, 1, 2 ms spent when each starts), the rest wait.
    expect(answered).toEqual([0, 1, 2]);
    expect(turns.waiting).toBe(7);
    loop.phase(); // this turn's check phase: the turn ends, the drain is put off to the next turn
    expect(answered).toEqual([0, 1, 2]);
    // A request arriving in the next turn's poll waits behind the others, whatever the budget says.
    turns.admit(() => answered.push(99));
    expect(answered).toEqual([0, 1, 2]);
    loop.phase(); // next turn's check phase: one budget's worth
    expect(answered).toEqual([0, 1, 2, 3, 4, 5]);
    while (turns.waiting > 0) loop.phase();
    expect(answered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99]);
  });
});
