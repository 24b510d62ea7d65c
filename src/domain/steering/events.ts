// What happens in the mock, as it happens (SPEC 12.1): tasks created, changing state, changed or removed by
// hand; requests the vendor API answered; notification deliveries; control calls that changed something. The
// control plane streams these (GET /_mock/events) to the dashboard and to tests. Nothing is built while nobody
// listens: a request's event costs nothing then. The last events made while someone listened are kept, so a
// stream that reconnects with Last-Event-ID misses none of them.
import type { components } from '../../contract/mock-control.generated.js';

export type MockEvent = components['schemas']['MockEvent'];
/** An event as it is made: the hub gives it its id. */
export type NewEvent = MockEvent extends infer E ? (E extends MockEvent ? Omit<E, 'id'> : never) : never;
export type MockEventType = MockEvent['type'];

export type EventListener = (event: MockEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private recent: MockEvent[] = [];
  private next = 1;
  /** The id the next event had when the last listener went: what happened after it made no events. */
  private silentFrom = 1;
  /** Hears when the first listener comes and the last one goes (the journal and the timer need to know). */
  onListening: (listening: boolean) => void = () => {};

  /** How many events are kept for a stream that reconnects. */
  constructor(readonly keep = 1000) {}

  /** The id of the last event made (0 before the first). */
  lastId(): number {
    return this.next - 1;
  }

  listening(): boolean {
    return this.listeners.size > 0;
  }

  /** Makes an event when someone listens: `make` runs only then. */
  emit(make: () => NewEvent): void {
    if (this.listeners.size === 0) return;
    const event = { id: this.next++, ...make() } as MockEvent;
    this.recent.push(event);
    // Cut in bulk, so that an emit stays O(1).
    if (this.recent.length >= 2 * this.keep) this.recent = this.recent.slice(-this.keep);
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Listens from now on; with `after` (a Last-Event-ID), the kept events after it come first. `missed` is true
   * when events after `after` are no longer kept (or were never made: nobody listened): the listener should
   * read the state again instead of relying on the events.
   */
  listen(listener: EventListener, after?: number): { stop(): void; missed: boolean; replay: MockEvent[] } {
    const first = this.recent.length > this.keep ? this.recent[this.recent.length - this.keep]! : this.recent[0];
    let replay: MockEvent[] = [];
    let missed = false;
    if (after !== undefined) {
      replay = this.recent.slice(-this.keep).filter((e) => e.id > after);
      // Missed: nobody listened for a while after it, its successors are no longer kept, or it is not an id of
      // this process (a restart).
      missed = after < this.silentFrom || after + 1 < (first?.id ?? this.next) || after >= this.next;
    }
    const was = this.listeners.size;
    this.listeners.add(listener);
    if (was === 0) this.onListening(true);
    return {
      replay,
      missed,
      stop: () => {
        if (!this.listeners.delete(listener)) return;
        if (this.listeners.size > 0) return;
        this.silentFrom = this.next;
        this.onListening(false);
      },
    };
  }
}
