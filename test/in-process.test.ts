// The in-process API, as a test suite uses it.
import { describe, expect, it } from 'vitest';
import { startMpcMock } from '../src/index.js';

describe('startMpcMock', () => {
  it('starts on a free port, serves the default fixtures, and closes', async () => {
    const a = await startMpcMock({ port: 0, logLevel: 'silent' });
    const b = await startMpcMock({ port: 0, logLevel: 'silent', noDefaultFixtures: true, generate: 5, seed: 2 });
    try {
      expect(a.port).toBeGreaterThan(0);
      expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
      expect(b.port).not.toBe(a.port);
      const fromA = (await (await fetch(`${a.url}/v1/p/thumbnails?task_id=7684`)).json()) as { total: number };
      expect(fromA.total).toBe(1);
      const fromB = (await (await fetch(`${b.url}/v1/p/thumbnails?size=100`)).json()) as { total: number };
      expect(fromB.total).toBe(5);
    } finally {
      await a.close();
      await b.close();
    }
    await expect(fetch(`${a.url}/_mock/health`)).rejects.toThrow();
  });

  it('checks its options by the same rules as the CLI', async () => {
    await expect(startMpcMock({ port: 70000 })).rejects.toThrowError('port: "70000" is not a port number from 0 to 65535');
    await expect(startMpcMock({ logLevel: 'loud' as never })).rejects.toThrowError(/logLevel: "loud" is not one of/);
    await expect(startMpcMock({ nope: 1 } as never)).rejects.toThrowError('unknown option nope');
  });

  it('keeps its tasks in a SQLite file when asked', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const db = join(mkdtempSync(join(tmpdir(), 'mpc-db-')), 'tasks.db');
    const mock = await startMpcMock({ port: 0, logLevel: 'silent', db });
    try {
      const res = (await (await fetch(`${mock.url}/v1/p/encryptions?task_id=31207`)).json()) as { total: number };
      expect(res.total).toBe(1);
    } finally {
      await mock.close();
    }
    const { openDatabase } = await import('../src/storage/sqlite.js');
    const file = openDatabase(db, { readonly: true });
    expect((file.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBeGreaterThan(40);
    file.close();
  });
});
