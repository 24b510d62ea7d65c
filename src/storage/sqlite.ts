// The one way the mock (and its tests) open a SQLite database.
import Database from 'better-sqlite3';

/**
 * Node 24.19 and later abort the process when the garbage collector finalises a better-sqlite3 (12.x) Statement
 * or Database outside a JavaScript context (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook,
 * nodejs/node#65446): on the Docker image's Node 24 the mock died at start, after seeding, in two runs of three.
 * better-sqlite3 13 (Node-API) does not, but requires Node 22. So nothing opened here is ever left to the
 * collector: the database and every statement prepared on it (db.prepare, pragma() and transaction() all prepare
 * through the native database's method) stay referenced for the life of the process; close() still finalises
 * them all. What this keeps is a few kilobytes per database.
 */
const NEVER_COLLECTED: unknown[] = [];

export function openDatabase(filename: string, options?: Database.Options): Database.Database {
  const db = new Database(filename, options);
  NEVER_COLLECTED.push(db);
  // The native database sits on the wrapper under a symbol.
  const native = Object.getOwnPropertySymbols(db)
    .map((symbol) => (db as unknown as Record<symbol, { prepare?: unknown }>)[symbol])
    .find((value) => typeof value?.prepare === 'function') as { prepare: (...args: unknown[]) => unknown } | undefined;
  if (!native) throw new Error('better-sqlite3: the native database was not found (see src/storage/sqlite.ts)');
  const prepare = native.prepare.bind(native);
  native.prepare = (...args: unknown[]) => {
    const statement = prepare(...args);
    NEVER_COLLECTED.push(statement);
    return statement;
  };
  return db;
}
