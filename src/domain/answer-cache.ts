// Answers of the read queries, kept while the store has not changed. Exact by construction: an answer is
// served again only when the store's change counter (every row any statement has written, whatever wrote it)
// is what it was when the answer was computed, and the caller has settled the lifecycle first, so that time
// that has passed has already become a write. Nothing else an answer depends on exists: the documents are
// stored as they are answered, and no list reads the clock. Repeated reads, what a test suite's polls and
// list checks are, then cost a lookup instead of the queries.

export interface AnswerCacheOptions {
  /** The store's change counter: any difference means any answer may have changed. */
  version: () => number;
  /** The most characters of answers kept; the oldest go first. */
  maxChars?: number;
}

interface Kept<T> {
  value: T;
  chars: number;
}

export class AnswerCache<T> {
  private readonly kept = new Map<string, Kept<T>>();
  private version = -1;
  private chars = 0;
  private readonly maxChars: number;

  constructor(
    private readonly options: AnswerCacheOptions,
    /** About how many characters an answer holds, for the budget. */
    private readonly sizeOf: (value: T) => number,
  ) {
    this.maxChars = options.maxChars ?? 16 * 1024 * 1024;
  }

  /** The answer under this key as the store is now: kept, or computed and kept. */
  get(key: string, compute: () => T): T {
    const version = this.options.version();
    if (version !== this.version) {
      this.kept.clear();
      this.chars = 0;
      this.version = version;
    }
    const hit = this.kept.get(key);
    if (hit) return hit.value;
    const value = compute();
    // Computing may itself write (reads counted in reads mode): then what was computed is already not
    // what a second read answers, so it is not kept.
    if (this.options.version() !== version) return value;
    const chars = this.sizeOf(value) + key.length;
    if (chars > this.maxChars) return value;
    this.kept.set(key, { value, chars });
    this.chars += chars;
    for (const [k, v] of this.kept) {
      if (this.chars <= this.maxChars) break;
      this.kept.delete(k);
      this.chars -= v.chars;
    }
    return value;
  }
}
