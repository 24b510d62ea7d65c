// The request journal (SPEC 6.4): the last N requests to the vendor API, oldest first, with what a test needs
// to assert on them, and waits that return once enough matching requests have arrived. The HTTP layer records
// entries; the control plane reads and waits. Control calls are never journaled.
import type { AuthResult } from '../auth/auth.js';

export interface JournalEntry {
  request_id: string;
  /** ISO 8601 on the mock's clock. */
  time: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
  duration_ms: number;
  project_id?: string;
  /** The kind's path word. */
  kind?: string;
  /** The vendor document's operationId for the method and path, if one has them. */
  operation?: string;
  task_id?: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The fault rule that answered the request, if one did. */
  fault?: string;
  /** How authentication judged it (who signed it, why it was refused), when authentication was on. */
  auth?: AuthResult;
}

export interface JournalFilter {
  method?: string;
  kind?: string;
  status?: number;
  project_id?: string;
  task_id?: string;
  /** A glob over the path: `*` within a segment, `**` across segments. */
  path?: string;
  operation?: string;
}

/** Headers whose values are secrets: kept out of the journal (SPEC 6.4) as out of the log. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-auth-token', 'x-security-token']);
export const REDACTED = '[redacted]';

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `*` matches within one path segment, `**` across segments; everything else literally. */
export function pathGlob(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${body}$`, 'u');
}

export function entryMatches(filter: JournalFilter, entry: Pick<JournalEntry, 'method' | 'path' | 'kind' | 'status' | 'project_id' | 'task_id' | 'operation'>, glob?: RegExp): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== entry.method) return false;
  if (filter.operation !== undefined && filter.operation !== entry.operation) return false;
  if (filter.kind !== undefined && filter.kind !== entry.kind) return false;
  if (filter.status !== undefined && filter.status !== entry.status) return false;
  if (filter.project_id !== undefined && filter.project_id !== entry.project_id) return false;
  if (filter.task_id !== undefined && filter.task_id !== entry.task_id) return false;
  if (filter.path !== undefined && !(glob ?? pathGlob(filter.path)).test(entry.path)) return false;
  return true;
}

interface Waiter {
  filter: JournalFilter;
  glob: RegExp | undefined;
  count: number;
  found: JournalEntry[];
  resolve(entries: JournalEntry[] | undefined): void;
}

/**
 * An entry as the HTTP layer hands it over: made whole only when someone reads the journal or waits on it.
 * Most requests are never read back, and building an entry (the path decoded, the query parsed, the headers
 * copied and redacted, the time formatted) cost a request a tenth of its CPU.
 */
export type LazyJournalEntry = () => JournalEntry;
type Slot = JournalEntry | LazyJournalEntry;

export class Journal {
  /** The last `size` slots are the journal; older ones are cut off in bulk, so a push stays O(1). */
  private slots: Slot[] = [];
  private droppedCount = 0;
  private readonly waiters = new Set<Waiter>();

  /** Hears every entry, made whole, while set (an event stream listens): otherwise entries stay lazy. */
  tap: ((entry: JournalEntry) => void) | undefined;

  constructor(readonly size: number) {}

  record(entry: JournalEntry | LazyJournalEntry): void {
    if (this.size > 0) {
      this.slots.push(entry);
      if (this.slots.length > this.size) {
        this.droppedCount++;
        if (this.slots.length >= 2 * this.size) this.slots = this.slots.slice(-this.size);
      }
    }
    if (this.waiters.size === 0 && !this.tap) return;
    const whole = this.size > 0 ? this.whole(this.slots.length - 1) : typeof entry === 'function' ? entry() : entry;
    this.tap?.(whole);
    for (const w of this.waiters) {
      if (!entryMatches(w.filter, whole, w.glob)) continue;
      w.found.push(whole);
      if (w.found.length >= w.count) {
        this.waiters.delete(w);
        w.resolve(w.found);
      }
    }
  }

  /** The slot at i, made whole once and kept so. */
  private whole(i: number): JournalEntry {
    const slot = this.slots[i]!;
    if (typeof slot !== 'function') return slot;
    const entry = slot();
    this.slots[i] = entry;
    return entry;
  }

  private all(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = Math.max(0, this.slots.length - this.size); i < this.slots.length; i++) out.push(this.whole(i));
    return out;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const glob = filter.path === undefined ? undefined : pathGlob(filter.path);
    return this.all().filter((e) => entryMatches(filter, e, glob));
  }

  /** Entries pushed out of the bounded journal since it was last cleared. */
  dropped(): number {
    return this.droppedCount;
  }

  /** Forgets every entry, or a project's. */
  clear(projectId?: string): void {
    if (projectId === undefined) {
      this.slots = [];
      this.droppedCount = 0;
    } else {
      this.slots = this.all().filter((e) => e.project_id !== projectId);
    }
  }

  /**
   * Resolves with the matching entries once `count` have arrived (those already in the journal count), or with
   * undefined after `timeoutMs`, or when the mock stops.
   */
  waitFor(filter: JournalFilter, count: number, timeoutMs: number): Promise<JournalEntry[] | undefined> {
    const found = this.list(filter);
    if (found.length >= count) return Promise.resolve(found.slice(0, count));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter: Waiter = {
        filter,
        glob: filter.path === undefined ? undefined : pathGlob(filter.path),
        count,
        found,
        resolve: (entries) => {
          clearTimeout(timer);
          resolve(entries);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Ends every wait (the mock is stopping): each resolves as timed out. */
  cancelWaits(): void {
    for (const w of this.waiters) w.resolve(undefined);
    this.waiters.clear();
  }
}
