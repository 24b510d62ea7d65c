// SQL only with bound parameters: every value a request or a fixture brings goes to SQLite as a parameter, never
// into the SQL text. The SQL the source writes is read here, and the only pieces spliced into it are named below,
// each a constant of the code or a number SQLite itself gave.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SPLICED: Record<string, string> = {
  statusFilter: "the page query's status clause: one of two constant strings",
  t: 'a table name from TABLES, a constant list',
  SCHEMA_VERSION: 'a constant number',
  name: 'an index name from SECONDARY_INDEXES, a constant list',
  cacheSize: 'the number PRAGMA cache_size answered',
  level: 'a bucket level from LEVELS, constant numbers',
  "byStatus ? 'status' : \"''\"": 'one of two constant strings',
  "byStatus ? 'status, ' : ''": 'one of two constant strings',
  ANY_STATUS: "the empty string, the buckets' word for any status",
  MINUTE: 'the last of LEVELS, a constant number',
  SCOPE: 'a constant WHERE clause over named parameters',
  'LEVELS[i + 1]': 'a bucket level from LEVELS, constant numbers',
  where: 'the remux input filters: constant clauses over named parameters, chosen by which filters are given',
  from: 'the remux input filters\' table and index: one of two constant index names',
  KINDS: "a kind's counting kinds: a constant WHERE clause over the named parameter @kind",
  COUNTS_SCOPE: 'KINDS and a constant owner clause over named parameters',
  INPUT_BUCKET: "a constant JSON path expression: where a remux document's input bucket is",
  INPUT_FILTERED_KIND: "the constant kind name 'remux'",
  BY_BUCKET: 'a constant FROM and WHERE over named parameters, for the tasks of one input bucket',
  NAMES: "a template family's name filter: a constant clause over the named parameter @names",
  owner: "the owner clause of the remux input filters: the constant '@project' or \"''\"",
  "owned('@project')": 'the same query over the constant owner @project',
  'owned("\'\'")': "the same query over the constant owner ''",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('SQL text', () => {
  it('splices in nothing but the named constants', () => {
    const found: string[] = [];
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const literal of text.match(/`[^`]*`/g) ?? []) {
        if (!/\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|PRAGMA)\b|^`(user_version|cache_size|journal_mode|synchronous)\b/.test(literal)) continue;
        for (const m of literal.matchAll(/\$\{([^}]*)\}/g)) {
          if (!(m[1]! in SPLICED)) found.push(`${file}: \${${m[1]}} in ${literal.slice(0, 80)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('finds the SQL it checks (the check is not vacuous)', () => {
    const text = readFileSync('src/storage/tasks/task-store.ts', 'utf8');
    expect(text).toMatch(/\$\{statusFilter\}/);
  });
});
