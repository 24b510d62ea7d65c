// Answers of the read queries, kept while the store has not changed. Exact by construction: an answer is
// served again only when the store's change counter (every row any statement has written, whatever wrote it)
// is what it was when the answer was computed, and the caller has settled the lifecycle first, so that time
// that has passed has already become a write. Nothing else an answer depends on exists: the documents are
// stored as they are answered, and no list reads the clock. Repeated reads, what a test suite's polls and
// list checks are, then cost a lookup instead of the queries.
//
// An answer is kept only the second time its question is asked: a stream of questions each asked once (a
// crawl through every page, a time window that moves) would otherwise fill the cache with answers nobody asks
// for again, and the garbage collector with their text (at 16 MB of kept pages, an uncached list request cost
// four times its queries).

export interface AnswerCacheOptions {
  /** The store's change counter: any difference means any answer may have changed. */
  version: () => number;
  /** The most characters of answers kept; the oldest go first. */
  maxChars?: number;
  /** How many questions asked once are remembered, to keep their answer when asked again. */
  maxSeen?: number;
}

interface Kept<T> {
  value: T;
  chars: number;
}

export class AnswerCache<T> {
  private readonly kept = new Map<string, Kept<T>>();
  private readonly seen = new Set<string>();
  private version = -1;
  private chars = 0;
  private readonly maxChars: number;
  private readonly maxSeen: number;

  constructor(
    private readonly options: AnswerCacheOptions,
    /** About how many characters an answer holds, for the budget. */
    private readonly sizeOf: (value: T) => number,
  ) {
    this.maxChars = options.maxChars ?? 16 * 1024 * 1024;
    this.maxSeen = options.maxSeen ?? 4096;
  }

  /** The answer under this key as the store is now: kept, or computed (and kept if it was asked before). */
  get(key: string, compute: () => T): T {
    const version = this.options.version();
    const hit = this.lookup(key, version);
    if (hit !== undefined) return hit;
    const value = compute();
    this.offer(key, value, version);
    return value;
  }

  /** The answer kept under this key at this version of the store, if one is. */
  lookup(key: string, version: number): T | undefined {
    if (version !== this.version) {
      this.kept.clear();
      this.seen.clear();
      this.chars = 0;
      this.version = version;
    }
    return this.kept.get(key)?.value;
  }

  /**
   * Offers an answer computed when the store was at `version`; kept if the store is still there (computing may
   * itself write: reads counted in reads mode, and then what was computed is already not what a second read
   * answers) and the question was asked before.
   */
  offer(key: string, value: T, version: number): void {
    if (this.options.version() !== version || version !== this.version) return;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      if (this.seen.size > this.maxSeen) this.seen.delete(this.seen.values().next().value!);
      return;
    }
    this.seen.delete(key);
    const chars = this.sizeOf(value) + key.length;
    if (chars > this.maxChars) return;
    this.kept.set(key, { value, chars });
    this.chars += chars;
    while (this.chars > this.maxChars) {
      const [oldest, entry] = this.kept.entries().next().value!;
      this.kept.delete(oldest);
      this.chars -= entry.chars;
    }
  }
}
