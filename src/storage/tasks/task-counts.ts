// Exact totals and deep pages without walking the tasks (issue 9). Beside the tasks, the store keeps how many
// tasks each (kind, owner, status) has per create_time prefix: per year, month, day, hour and minute, the
// digits of yyyymmddhhmmss. A count over any time window is then a sum of whole buckets (at most a few
// hundred rows, whatever the store's size) plus the tasks of the window's first and last minute, read from the
// index; and the task at any offset is found by walking down the buckets, newest first, to its minute, from
// where the page is read with a small OFFSET. Every write to a task keeps the buckets exact, so no answer is
// ever stale.
import type Database from 'better-sqlite3';

/** The prefix lengths of yyyymmddhhmmss that have buckets: year, month, day, hour, minute. */
export const LEVELS = [4, 6, 8, 10, 12] as const;
/** The bucket key of "any status". */
export const ANY_STATUS = '';

export const COUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS task_counts (
  kind TEXT NOT NULL,
  project_id TEXT NOT NULL,
  status TEXT NOT NULL,
  level INTEGER NOT NULL,
  prefix TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, project_id, status, level, prefix)
) WITHOUT ROWID;
`;

/**
 * The remux list also filters by its input's bucket (reference 3.2), and a bucket may hold a third of a million
 * tasks: its totals and deep pages are counted the same way, in buckets of a counting kind of their own,
 * `remux` + U+001F + the bucket, beside the kind's. (An input object names a handful of tasks: those are counted
 * from their index.) Where the bucket sits in a remux document, as the store's index on it spells it.
 */
export const INPUT_BUCKET = "json_extract(doc, '$.input.bucket')";
export const INPUT_FILTERED_KIND = 'remux';
const FACET = '\u001f';
/** The counting kind of one remux input bucket. */
export const bucketCountKind = (kind: string, bucket: string) => `${kind}${FACET}${bucket}`;
/** The input bucket a task is also counted under: a remux task's, when its document names one. */
export function countedBucket(kind: string, task: object): string | undefined {
  if (kind !== INPUT_FILTERED_KIND) return undefined;
  const bucket = ((task as { input?: unknown }).input as { bucket?: unknown } | undefined)?.bucket;
  return typeof bucket === 'string' ? bucket : undefined;
}

/** Offsets below this are read from the index directly (a short walk); deeper ones are located first. */
export const NEAR_TOP = 500;
const EARLIEST = '00000000000000';
const LATEST = '99999999999999';

export interface CountScope {
  kind: string;
  /** The owners a project sees: its own id and the shared one. */
  owners: readonly string[];
  /** A status, or ANY_STATUS. */
  status: string;
  /** Only the remux tasks reading from this input bucket. */
  inputBucket?: string | undefined;
}

export interface TaskCounts {
  /** Adds delta to every bucket of one task (its status's and any status's; its input bucket's too, if counted). */
  bump(kind: string, owner: string, status: string, createTime: string, delta: number, inputBucket?: string): void;
  /** Recounts the buckets of a part of the store from the tasks: after a bulk load or a scoped replace. */
  rebuild(kind: string | null, owner: string | null): void;
  /** A tally to give every task of a bulk load as it is written, for replaceAllFrom. */
  tally(): BucketTally;
  /**
   * Replaces every bucket with the tally's counts: the store must hold exactly the tasks it was given. Spares a
   * bulk load the rebuild's pass over the tasks; falls back to the rebuild for a tally it cannot count exactly.
   */
  replaceAllFrom(tally: BucketTally): void;
  /** Tasks with create_time in [from, to], both inclusive. */
  count(scope: CountScope, from: string, to: string): number;
  /**
   * Where the task at `offset` (newest first, within [from, to]) is: an upper bound of create_time for the
   * page's query, and the offset to skip below it (at most the tasks of one minute, plus any tied with it).
   */
  locate(scope: CountScope, from: string, to: string, offset: number): { to: string; offset: number };
}

/**
 * Tasks counted by minute bucket as they stream into the store, for a bulk load of a million. Each task is
 * one number, its (kind, owner, status) slot and its create_time's minute (yyyymmddhhmm, twelve digits)
 * together, so a million take 8 MB and sort natively; every bucket of every level is then counted from the
 * sorted numbers. A create_time that does not start with twelve digits makes the tally inexact, and the buckets
 * are then rebuilt from the tasks.
 */
export class BucketTally {
  static readonly #MINUTES = 1e12;
  // Slots times 1e12 stay exact integers in a double below 2^53.
  static readonly #MAX_SLOTS = 9000;
  static readonly #CHUNK = 1 << 16;
  // kind -> owner -> its group and its statuses' slots: no key to build for each task.
  readonly #slots = new Map<string, Map<string, { group: number; statuses: Map<string, number> }>>();
  readonly slotKeys: Array<{ kind: string; owner: string; status: string; group: number }> = [];
  #groups = 0;
  #chunks: Float64Array[] = [];
  #current = new Float64Array(BucketTally.#CHUNK);
  #used = 0;
  /** Tasks counted. */
  size = 0;
  exact = true;

  /** The slot of a kind, owner and status, and the group of the kind and owner (for "any status"). */
  #slot(kind: string, owner: string, status: string): number {
    let owners = this.#slots.get(kind);
    if (owners === undefined) this.#slots.set(kind, (owners = new Map()));
    let entry = owners.get(owner);
    if (entry === undefined) owners.set(owner, (entry = { group: this.#groups++, statuses: new Map() }));
    let slot = entry.statuses.get(status);
    if (slot === undefined) {
      slot = this.slotKeys.length;
      entry.statuses.set(status, slot);
      this.slotKeys.push({ kind, owner, status, group: entry.group });
      if (slot >= BucketTally.#MAX_SLOTS) this.exact = false;
    }
    return slot;
  }

  /** One task; counted under its input bucket's counting kind too when it has one (see INPUT_BUCKET). */
  add(kind: string, owner: string, status: string, createTime: string, inputBucket?: string): void {
    this.size++;
    this.#add(kind, owner, status, createTime);
    if (inputBucket !== undefined) this.#add(bucketCountKind(kind, inputBucket), owner, status, createTime);
  }

  #add(kind: string, owner: string, status: string, createTime: string): void {
    if (!this.exact) return;
    const slot = this.#slot(kind, owner, status);
    let minute = 0;
    for (let i = 0; i < 12; i++) {
      const digit = createTime.charCodeAt(i) - 48;
      if (!(digit >= 0 && digit <= 9)) {
        this.exact = false;
        return;
      }
      minute = minute * 10 + digit;
    }
    if (this.#used === BucketTally.#CHUNK) {
      this.#chunks.push(this.#current);
      this.#current = new Float64Array(BucketTally.#CHUNK);
      this.#used = 0;
    }
    this.#current[this.#used++] = slot * BucketTally.#MINUTES + minute;
  }

  /** The tally's numbers, sorted, and the tally emptied: (slot, minute) in order. */
  take(): Float64Array {
    const all = new Float64Array(this.#chunks.length * BucketTally.#CHUNK + this.#used);
    this.#chunks.forEach((chunk, i) => all.set(chunk, i * BucketTally.#CHUNK));
    all.set(this.#current.subarray(0, this.#used), this.#chunks.length * BucketTally.#CHUNK);
    this.#chunks = [];
    this.#current = new Float64Array(0);
    this.#used = 0;
    return all.sort();
  }

  static slotOf(key: number): number {
    return Math.floor(key / BucketTally.#MINUTES);
  }

  static minuteOf(key: number): number {
    return key - BucketTally.slotOf(key) * BucketTally.#MINUTES;
  }

  static withSlot(slot: number, minute: number): number {
    return slot * BucketTally.#MINUTES + minute;
  }
}

/** `nearTop`: see NEAR_TOP; 0 locates every page through the buckets (the equivalence test does). */
export function createTaskCounts(db: Database.Database, nearTop = NEAR_TOP): TaskCounts {
  const upsert = db.prepare(
    `INSERT INTO task_counts (kind, project_id, status, level, prefix, n) VALUES (@kind, @owner, @status, @level, @prefix, @delta)
     ON CONFLICT (kind, project_id, status, level, prefix) DO UPDATE SET n = n + excluded.n`,
  );
  const dropEmpty = db.prepare('DELETE FROM task_counts WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix = @prefix AND n <= 0');
  const bucketsDesc = db.prepare(
    `SELECT prefix, n FROM task_counts
     WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix >= @lo AND prefix <= @hi
     ORDER BY prefix DESC`,
  );
  // A kind's counting kinds: its own and its input buckets' (which sort between kind + U+001F and kind + U+0020).
  const KINDS = `(@kind IS NULL OR kind = @kind OR (kind >= @kind || char(31) AND kind < @kind || char(32)))`;
  const deleteScope = db.prepare(`DELETE FROM task_counts WHERE ${KINDS} AND (@owner IS NULL OR project_id = @owner)`);
  // A rebuild reads the tasks once, into per-minute counts by status, and makes every other bucket from those:
  // each level from the one below it, and "any status" from the statuses. One GROUP BY over the tasks per
  // bucket kind took four times as long over a million tasks (each a scan and a sort of them all).
  db.exec('CREATE TEMP TABLE IF NOT EXISTS task_counts_minutes (kind TEXT NOT NULL, project_id TEXT NOT NULL, status TEXT NOT NULL, prefix TEXT NOT NULL, n INTEGER NOT NULL)');
  const SCOPE = '(@kind IS NULL OR kind = @kind) AND (@owner IS NULL OR project_id = @owner)';
  const COUNTS_SCOPE = `${KINDS} AND (@owner IS NULL OR project_id = @owner)`;
  const MINUTE = LEVELS[LEVELS.length - 1]!;
  const clearMinutes = db.prepare('DELETE FROM temp.task_counts_minutes');
  const countAll = db.prepare('SELECT count(*) FROM tasks').pluck();
  // The buckets of one slot and level in one statement, each `<prefix><count>`: a million rows go in twice as
  // fast as one statement each.
  const insertBuckets = db.prepare(
    `INSERT INTO task_counts (kind, project_id, status, level, prefix, n)
     SELECT @kind, @owner, @status, @level, substr(value, 1, @level), CAST(substr(value, @level + 1) AS INTEGER) FROM json_each(@buckets)`,
  );
  const rebuilds = [
    db.prepare(
      `INSERT INTO temp.task_counts_minutes (kind, project_id, status, prefix, n)
       SELECT kind, project_id, status, substr(create_time, 1, ${MINUTE}), count(*) FROM tasks WHERE ${SCOPE}
       GROUP BY kind, project_id, status, substr(create_time, 1, ${MINUTE})`,
    ),
    // The remux tasks again, per input bucket (a document without one is counted under its kind only).
    db.prepare(
      `INSERT INTO temp.task_counts_minutes (kind, project_id, status, prefix, n)
       SELECT kind || char(31) || ${INPUT_BUCKET}, project_id, status, substr(create_time, 1, ${MINUTE}), count(*) FROM tasks
       WHERE kind = '${INPUT_FILTERED_KIND}' AND ${SCOPE} AND json_type(doc, '$.input.bucket') = 'text'
       GROUP BY kind || char(31) || ${INPUT_BUCKET}, project_id, status, substr(create_time, 1, ${MINUTE})`,
    ),
    db.prepare(
      `INSERT INTO task_counts (kind, project_id, status, level, prefix, n)
       SELECT kind, project_id, status, ${MINUTE}, prefix, n FROM temp.task_counts_minutes`,
    ),
    ...LEVELS.slice(0, -1)
      .map((level, i) =>
        db.prepare(
          `INSERT INTO task_counts (kind, project_id, status, level, prefix, n)
           SELECT kind, project_id, status, ${level}, substr(prefix, 1, ${level}), sum(n) FROM task_counts
           WHERE ${COUNTS_SCOPE} AND status != '${ANY_STATUS}' AND level = ${LEVELS[i + 1]}
           GROUP BY kind, project_id, status, substr(prefix, 1, ${level})`,
        ),
      )
      .reverse(),
    db.prepare(
      `INSERT INTO task_counts (kind, project_id, status, level, prefix, n)
       SELECT kind, project_id, '${ANY_STATUS}', level, prefix, sum(n) FROM task_counts WHERE ${COUNTS_SCOPE} AND status != '${ANY_STATUS}'
       GROUP BY kind, project_id, level, prefix`,
    ),
  ];

  const rebuild = (kind: string | null, owner: string | null) => {
    deleteScope.run({ kind, owner });
    clearMinutes.run();
    for (const statement of rebuilds) statement.run({ kind, owner });
    clearMinutes.run();
  };

  // A count over a window reads the owners' buckets together (a project's and the shared ones: one statement
  // where there were two), and skips an edge whose whole bucket is empty instead of walking down into it.
  const countKind = (scope: CountScope) => (scope.inputBucket === undefined ? scope.kind : bucketCountKind(scope.kind, scope.inputBucket));
  const pair = (scope: CountScope) => ({
    kind: countKind(scope),
    a: scope.owners[0],
    b: scope.owners[1] ?? scope.owners[0],
    status: scope.status,
    // Within one minute, an input bucket's tasks are counted from its index.
    ...(scope.inputBucket !== undefined ? { bucket: scope.inputBucket } : {}),
  });
  const bucketPair = db.prepare(
    'SELECT coalesce(sum(n), 0) FROM task_counts WHERE kind = @kind AND project_id IN (@a, @b) AND status = @status AND level = @level AND prefix = @prefix',
  ).pluck();
  const betweenPair = db.prepare(
    `SELECT coalesce(sum(n), 0) FROM task_counts
     WHERE kind = @kind AND project_id IN (@a, @b) AND status = @status AND level = @level AND prefix > @lo AND prefix < @hi`,
  ).pluck();
  const exactAnyPair = db.prepare('SELECT count(*) FROM tasks WHERE kind = @kind AND project_id IN (@a, @b) AND create_time BETWEEN @lo AND @hi').pluck();
  const exactStatusPair = db.prepare(
    'SELECT count(*) FROM tasks WHERE kind = @kind AND project_id IN (@a, @b) AND status = @status AND create_time BETWEEN @lo AND @hi',
  ).pluck();
  const BY_BUCKET = `FROM tasks INDEXED BY tasks_by_input_bucket WHERE kind = '${INPUT_FILTERED_KIND}' AND project_id IN (@a, @b) AND ${INPUT_BUCKET} = @bucket`;
  const exactAnyBucket = db.prepare(`SELECT count(*) ${BY_BUCKET} AND create_time BETWEEN @lo AND @hi`).pluck();
  const exactStatusBucket = db.prepare(`SELECT count(*) ${BY_BUCKET} AND create_time BETWEEN @lo AND @hi AND status = @status`).pluck();
  /** The tasks of one minute (or less), from the index. */
  const exact = (owners: ReturnType<typeof pair>, lo: string, hi: string): number => {
    const bind = { ...owners, lo, hi };
    if (owners.bucket !== undefined) {
      const { kind: _counting, ...withBucket } = bind;
      return (owners.status === ANY_STATUS ? exactAnyBucket.get(withBucket) : exactStatusBucket.get(withBucket)) as number;
    }
    const { bucket: _none, ...plain } = bind;
    return (owners.status === ANY_STATUS ? exactAnyPair.get(plain) : exactStatusPair.get(plain)) as number;
  };

  /** The tasks of the owners in [lo, hi], where lo and hi share their first `LEVELS[li - 1]` digits. */
  const countWindow = (owners: ReturnType<typeof pair>, lo: string, hi: string, li = 0): number => {
    if (lo > hi) return 0;
    if (li === LEVELS.length) {
      // Within one minute: the index counts the few tasks there are.
      return exact(owners, lo, hi);
    }
    const level = LEVELS[li]!;
    const pLo = lo.slice(0, level);
    const pHi = hi.slice(0, level);
    if (pLo === pHi) return countWindow(owners, lo, hi, li + 1);
    const whole = (prefix: string) => bucketPair.get({ ...owners, level, prefix }) as number;
    const edge = (prefix: string, from: string, to: string, all: boolean) => {
      const n = whole(prefix);
      return all || n === 0 ? n : countWindow(owners, from, to, li + 1);
    };
    const left = edge(pLo, lo, pLo + LATEST.slice(level), lo === pLo + EARLIEST.slice(level));
    const right = edge(pHi, pHi + EARLIEST.slice(level), hi, hi === pHi + LATEST.slice(level));
    const middle = betweenPair.get({ ...owners, level, lo: pLo, hi: pHi }) as number;
    return left + middle + right;
  };

  const allTime = db.prepare(
    'SELECT coalesce(sum(n), 0) FROM task_counts WHERE kind = @kind AND project_id IN (@a, @b) AND status = @status AND level = 4',
  ).pluck();
  const count = (scope: CountScope, from: string, to: string): number => {
    if (scope.owners.length > 2) return scope.owners.reduce((sum, owner) => sum + count({ ...scope, owners: [owner] }, from, to), 0);
    // No window (most lists): the year buckets of both owners, in one statement.
    if (from === EARLIEST && to === LATEST) return allTime.get(pair(scope)) as number;
    return countWindow(pair(scope), from, to);
  };

  return {
    bump(kind, owner, status, createTime, delta, inputBucket) {
      for (const counting of inputBucket === undefined ? [kind] : [kind, bucketCountKind(kind, inputBucket)]) {
        for (const s of [ANY_STATUS, status]) {
          for (const level of LEVELS) {
            const key = { kind: counting, owner, status: s, level, prefix: createTime.slice(0, level) };
            upsert.run({ ...key, delta });
            if (delta < 0) dropEmpty.run(key);
          }
        }
      }
    },

    rebuild,

    count,

    tally: () => new BucketTally(),

    replaceAllFrom(tally) {
      // Only a tally of every task in the store can stand for them.
      if (!tally.exact || tally.size !== (countAll.get() as number)) return rebuild(null, null);
      deleteScope.run({ kind: null, owner: null });
      const keys = tally.take();
      // Every level of one run of keys (one slot, or one kind and owner), minutes ascending: a bucket's count is
      // the length of its run of equal prefixes. Written level by level, in the table's key order.
      const writeRuns = (slotKeys: typeof tally.slotKeys, status: (slot: number) => string) => {
        for (let start = 0; start < keys.length; ) {
          const slot = BucketTally.slotOf(keys[start]!);
          let end = start;
          while (end < keys.length && BucketTally.slotOf(keys[end]!) === slot) end++;
          const { kind, owner } = slotKeys[slot]!;
          for (const level of LEVELS) {
            const divisor = 10 ** (MINUTE - level);
            const buckets: string[] = [];
            for (let i = start; i < end; ) {
              const prefix = Math.floor(BucketTally.minuteOf(keys[i]!) / divisor);
              let j = i;
              while (j < end && Math.floor(BucketTally.minuteOf(keys[j]!) / divisor) === prefix) j++;
              buckets.push(String(prefix).padStart(level, '0') + (j - i));
              i = j;
            }
            insertBuckets.run({ kind, owner, status: status(slot), level, buckets: JSON.stringify(buckets) });
          }
          start = end;
        }
      };
      writeRuns(tally.slotKeys, (slot) => tally.slotKeys[slot]!.status);
      // Any status: the same minutes keyed by kind and owner instead of slot, sorted again.
      const groups: typeof tally.slotKeys = [];
      for (const key of tally.slotKeys) groups[key.group] = key;
      for (let i = 0; i < keys.length; i++) keys[i] = BucketTally.withSlot(tally.slotKeys[BucketTally.slotOf(keys[i]!)]!.group, BucketTally.minuteOf(keys[i]!));
      keys.sort();
      writeRuns(groups, () => ANY_STATUS);
    },

    locate(scope, from, to, offset) {
      // Near the top, the index walks a few hundred entries faster than the buckets can be read.
      if (offset < nearTop) return { to, offset };
      let lo = from;
      let hi = to;
      let skip = offset;
      for (const level of LEVELS) {
        // The buckets of this level that [lo, hi] touches, newest first, with the tasks of each inside [lo, hi]:
        // the edge buckets counted exactly, the inner ones read from the table, the owners' counts merged.
        const pLo = lo.slice(0, level);
        const pHi = hi.slice(0, level);
        const counts = new Map<string, number>();
        for (const owner of scope.owners) {
          for (const row of bucketsDesc.all({ kind: countKind(scope), owner, status: scope.status, level, lo: pLo, hi: pHi }) as Array<{ prefix: string; n: number }>) {
            counts.set(row.prefix, (counts.get(row.prefix) ?? 0) + row.n);
          }
        }
        const edge = (prefix: string) => {
          const bLo = prefix === pLo ? lo : prefix + EARLIEST.slice(level);
          const bHi = prefix === pHi ? hi : prefix + LATEST.slice(level);
          return count(scope, bLo, bHi);
        };
        if (counts.has(pHi) && hi !== pHi + LATEST.slice(level)) counts.set(pHi, edge(pHi));
        if (counts.has(pLo) && lo !== pLo + EARLIEST.slice(level)) counts.set(pLo, edge(pLo));
        const prefixes = [...counts.keys()].sort().reverse();
        let chosen: string | undefined;
        for (const prefix of prefixes) {
          const n = counts.get(prefix)!;
          if (skip < n) {
            chosen = prefix;
            break;
          }
          skip -= n;
        }
        // Past the end: the caller has checked offset < total, so this does not happen; read from the top.
        if (chosen === undefined) return { to, offset };
        if (chosen !== pHi) hi = chosen + LATEST.slice(level);
        if (chosen !== pLo) lo = chosen + EARLIEST.slice(level);
      }
      // Within one minute's bucket: the page starts `skip` tasks below its newest.
      return { to: hi, offset: skip };
    },
  };
}
