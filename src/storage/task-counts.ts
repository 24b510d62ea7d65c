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
}

export interface TaskCounts {
  /** Adds delta to every bucket of one task (its status's and any status's). */
  bump(kind: string, owner: string, status: string, createTime: string, delta: number): void;
  /** Recounts the buckets of a part of the store from the tasks: after a bulk load or a scoped replace. */
  rebuild(kind: string | null, owner: string | null): void;
  /** Tasks with create_time in [from, to], both inclusive. */
  count(scope: CountScope, from: string, to: string): number;
  /**
   * Where the task at `offset` (newest first, within [from, to]) is: an upper bound of create_time for the
   * page's query, and the offset to skip below it (at most the tasks of one minute, plus any tied with it).
   */
  locate(scope: CountScope, from: string, to: string, offset: number): { to: string; offset: number };
}

/** `nearTop`: see NEAR_TOP; 0 locates every page through the buckets (the equivalence test does). */
export function createTaskCounts(db: Database.Database, nearTop = NEAR_TOP): TaskCounts {
  const upsert = db.prepare(
    `INSERT INTO task_counts (kind, project_id, status, level, prefix, n) VALUES (@kind, @owner, @status, @level, @prefix, @delta)
     ON CONFLICT (kind, project_id, status, level, prefix) DO UPDATE SET n = n + excluded.n`,
  );
  const dropEmpty = db.prepare('DELETE FROM task_counts WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix = @prefix AND n <= 0');
  const bucket = db.prepare('SELECT n FROM task_counts WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix = @prefix').pluck();
  const between = db.prepare(
    `SELECT coalesce(sum(n), 0) FROM task_counts
     WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix > @lo AND prefix < @hi`,
  ).pluck();
  const bucketsDesc = db.prepare(
    `SELECT prefix, n FROM task_counts
     WHERE kind = @kind AND project_id = @owner AND status = @status AND level = @level AND prefix >= @lo AND prefix <= @hi
     ORDER BY prefix DESC`,
  );
  const exactAny = db.prepare('SELECT count(*) FROM tasks WHERE kind = @kind AND project_id = @owner AND create_time BETWEEN @lo AND @hi').pluck();
  const exactStatus = db.prepare(
    'SELECT count(*) FROM tasks WHERE kind = @kind AND project_id = @owner AND status = @status AND create_time BETWEEN @lo AND @hi',
  ).pluck();
  const deleteScope = db.prepare('DELETE FROM task_counts WHERE (@kind IS NULL OR kind = @kind) AND (@owner IS NULL OR project_id = @owner)');
  // A rebuild reads the tasks once, into per-minute counts by status, and makes every other bucket from those:
  // each level from the one below it, and "any status" from the statuses. One GROUP BY over the tasks per
  // bucket kind took four times as long over a million tasks (each a scan and a sort of them all).
  db.exec('CREATE TEMP TABLE IF NOT EXISTS task_counts_minutes (kind TEXT NOT NULL, project_id TEXT NOT NULL, status TEXT NOT NULL, prefix TEXT NOT NULL, n INTEGER NOT NULL)');
  const SCOPE = '(@kind IS NULL OR kind = @kind) AND (@owner IS NULL OR project_id = @owner)';
  const MINUTE = LEVELS[LEVELS.length - 1]!;
  const clearMinutes = db.prepare('DELETE FROM temp.task_counts_minutes');
  const rebuilds = [
    db.prepare(
      `INSERT INTO temp.task_counts_minutes (kind, project_id, status, prefix, n)
       SELECT kind, project_id, status, substr(create_time, 1, ${MINUTE}), count(*) FROM tasks WHERE ${SCOPE}
       GROUP BY kind, project_id, status, substr(create_time, 1, ${MINUTE})`,
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
           WHERE ${SCOPE} AND status != '${ANY_STATUS}' AND level = ${LEVELS[i + 1]}
           GROUP BY kind, project_id, status, substr(prefix, 1, ${level})`,
        ),
      )
      .reverse(),
    db.prepare(
      `INSERT INTO task_counts (kind, project_id, status, level, prefix, n)
       SELECT kind, project_id, '${ANY_STATUS}', level, prefix, sum(n) FROM task_counts WHERE ${SCOPE} AND status != '${ANY_STATUS}'
       GROUP BY kind, project_id, level, prefix`,
    ),
  ];

  const rebuild = (kind: string | null, owner: string | null) => {
    deleteScope.run({ kind, owner });
    clearMinutes.run();
    for (const statement of rebuilds) statement.run({ kind, owner });
    clearMinutes.run();
  };

  /** The tasks of one owner in [lo, hi], where lo and hi share their first `LEVELS[li - 1]` digits. */
  const countOwner = (kind: string, owner: string, status: string, lo: string, hi: string, li = 0): number => {
    if (lo > hi) return 0;
    if (li === LEVELS.length) {
      // Within one minute: the index counts the few tasks there are.
      return (status === ANY_STATUS ? exactAny.get({ kind, owner, lo, hi }) : exactStatus.get({ kind, owner, status, lo, hi })) as number;
    }
    const level = LEVELS[li]!;
    const pLo = lo.slice(0, level);
    const pHi = hi.slice(0, level);
    if (pLo === pHi) return countOwner(kind, owner, status, lo, hi, li + 1);
    const whole = (prefix: string) => ((bucket.get({ kind, owner, status, level, prefix }) as number | undefined) ?? 0);
    const left = lo === pLo + EARLIEST.slice(level) ? whole(pLo) : countOwner(kind, owner, status, lo, pLo + LATEST.slice(level), li + 1);
    const right = hi === pHi + LATEST.slice(level) ? whole(pHi) : countOwner(kind, owner, status, pHi + EARLIEST.slice(level), hi, li + 1);
    const middle = between.get({ kind, owner, status, level, lo: pLo, hi: pHi }) as number;
    return left + middle + right;
  };

  const allTime = db.prepare(
    'SELECT coalesce(sum(n), 0) FROM task_counts WHERE kind = @kind AND project_id IN (@a, @b) AND status = @status AND level = 4',
  ).pluck();
  const count = (scope: CountScope, from: string, to: string) => {
    // No window (most lists): the year buckets of both owners, in one statement.
    if (from === EARLIEST && to === LATEST && scope.owners.length <= 2) {
      return allTime.get({ kind: scope.kind, a: scope.owners[0], b: scope.owners[1] ?? scope.owners[0], status: scope.status }) as number;
    }
    return scope.owners.reduce((sum, owner) => sum + countOwner(scope.kind, owner, scope.status, from, to), 0);
  };

  return {
    bump(kind, owner, status, createTime, delta) {
      for (const s of [ANY_STATUS, status]) {
        for (const level of LEVELS) {
          const key = { kind, owner, status: s, level, prefix: createTime.slice(0, level) };
          upsert.run({ ...key, delta });
          if (delta < 0) dropEmpty.run(key);
        }
      }
    },

    rebuild,

    count,

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
          for (const row of bucketsDesc.all({ kind: scope.kind, owner, status: scope.status, level, lo: pLo, hi: pHi }) as Array<{ prefix: string; n: number }>) {
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
