// SPEC section 2 and 9.1: the MPC task lists, one set of rules run against every kind's descriptor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskDocument, type TaskKind } from '../src/domain/tasks/task-kinds.js';
import type { FixtureSet } from '../src/fixture-format/fixture-files.js';
import { buildTestApp, defaultFixtures, invalid, PROJECT, type TestApp, testContract } from './helper.js';

const statusWords = (kind: TaskKind) => testContract().queryEnum(kind.listOperationId, 'status');


/** The shared default fixtures of one kind, in the order the list must return them. */
function expectedOrder(kind: TaskKind, filter: (t: TaskDocument) => boolean = () => true): string[] {
  return defaultFixtures()
    .tasks.filter((t) => t.kind === kind.name && t.projectId === null && filter(t.task))
    .map((t) => t.task)
    .sort((a, b) => (a.create_time === b.create_time ? Number(b.task_id) - Number(a.task_id) : a.create_time < b.create_time ? 1 : -1))
    .map((t) => t.task_id);
}

describe.each(TASK_KINDS.map((k) => [k.path, k] as const))('GET /v1/{project_id}/%s', (path, kind) => {
  let t: TestApp;
  const url = `/v1/${PROJECT}/${kind.urlPath}`;
  const id = kind.idParam;
  const ids = (body: Record<string, unknown>) => (body[kind.listKey] as TaskDocument[]).map((x) => x.task_id);
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('answers the first page newest first, with the kind’s envelope and defaults page=0 size=10', async () => {
    const res = await t.request.get(url).expect(200);
    const all = expectedOrder(kind);
    expect(all.length).toBeGreaterThan(10);
    expect(ids(res.body)).toEqual(all.slice(0, 10));
    expect(res.body.total).toBe(all.length);
    if (kind.hasIsTruncated) expect(res.body.is_truncated).toBe(1);
    else expect(res.body).not.toHaveProperty('is_truncated');
    expect(Object.keys(res.body).sort()).toEqual([kind.listKey, 'total', ...(kind.hasIsTruncated ? ['is_truncated'] : [])].sort());
  });

  it('pages to the last page and past it', async () => {
    const all = expectedOrder(kind);
    const last = Math.ceil(all.length / 5) - 1;
    const lastPage = await t.request.get(`${url}?page=${last}&size=5`).expect(200);
    expect(ids(lastPage.body)).toEqual(all.slice(last * 5));
    expect(lastPage.body.total).toBe(all.length);
    if (kind.hasIsTruncated) expect(lastPage.body.is_truncated).toBe(0);
    const middle = await t.request.get(`${url}?page=${last - 1}&size=5`).expect(200);
    if (kind.hasIsTruncated) expect(middle.body.is_truncated).toBe(1);
    const past = await t.request.get(`${url}?page=${last + 1}&size=5`).expect(200);
    expect(ids(past.body)).toEqual([]);
    expect(past.body.total).toBe(all.length);
    if (kind.hasIsTruncated) expect(past.body.is_truncated).toBe(0);
    const farPast = await t.request.get(`${url}?page=99999999999999999999&size=100`).expect(200);
    expect(ids(farPast.body)).toEqual([]);
    expect(farPast.body.total).toBe(all.length);
  });

  it('says is_truncated 0 on a page that ends exactly at the last task, and 1 one task short of it', async () => {
    if (!kind.hasIsTruncated) return;
    const total = expectedOrder(kind).length;
    expect((await t.request.get(`${url}?size=${total}`).expect(200)).body.is_truncated).toBe(0);
    expect((await t.request.get(`${url}?size=${total - 1}`).expect(200)).body.is_truncated).toBe(1);
    expect((await t.request.get(`${url}?size=1&page=${total - 1}`).expect(200)).body.is_truncated).toBe(0);
    expect((await t.request.get(`${url}?size=1&page=${total - 2}`).expect(200)).body.is_truncated).toBe(1);
  });

  it('walks every page exactly once: no task repeated or skipped', async () => {
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const res = await t.request.get(`${url}?page=${page}&size=3`).expect(200);
      if (ids(res.body).length === 0) break;
      seen.push(...ids(res.body));
    }
    expect(seen).toEqual(expectedOrder(kind));
  });

  it('filters by each of the kind’s status words, with total counting every match', async () => {
    for (const status of statusWords(kind)) {
      const res = await t.request.get(`${url}?status=${status}&size=100`).expect(200);
      expect(ids(res.body)).toEqual(expectedOrder(kind, (x) => x.status === (kind.statusAliases?.[status] ?? status)));
      expect(res.body.total).toBe(ids(res.body).length);
    }
  });

  it('rejects a lower-case status and another kind’s status word', async () => {
    const own = statusWords(kind);
    const foreign = ['TRANSCODING', 'SUCCEED', 'SUCCEEDED', 'NEED_TO_BE_AUDIT', 'INIT'].find((s) => !own.includes(s))!;
    const rule = invalid(`status must be one of ${own.join(', ')}`);
    expect((await t.request.get(`${url}?status=${own[0]!.toLowerCase()}`).expect(400)).body).toEqual(rule);
    expect((await t.request.get(`${url}?status=${foreign}`).expect(400)).body).toEqual(rule);
    expect((await t.request.get(`${url}?status=NO_TASK`).expect(400)).body).toEqual(rule);
  });

  it('looks tasks up by repeated task_id keys, ignoring unknown ids', async () => {
    const [a, b, c] = expectedOrder(kind);
    const res = await t.request.get(`${url}?${id}=${c}&${id}=${a}&${id}=nope&${id}=${b}`).expect(200);
    expect(ids(res.body)).toEqual([a, b, c]);
    expect(res.body.total).toBe(3);
    if (kind.hasIsTruncated) expect(res.body.is_truncated).toBe(0);
  });

  it('ignores start_time, end_time, page and size when task_id is given, even malformed, but still filters by status', async () => {
    const all = expectedOrder(kind);
    const query = `${id}=${all[0]}&${id}=${all[1]}&start_time=bogus&end_time=20230230000000&page=-1&size=1e2`;
    expect(ids((await t.request.get(`${url}?${query}`).expect(200)).body)).toEqual([all[0], all[1]]);
    // Two tasks of different statuses: the status filter keeps one and drops the other.
    const shared = defaultFixtures().tasks.filter((x) => x.kind === kind.name && x.projectId === null).map((x) => x.task);
    const a = shared[0]!;
    const b = shared.find((x) => x.status !== a.status)!;
    const filtered = await t.request.get(`${url}?${id}=${a.task_id}&${id}=${b.task_id}&status=${a.status}`).expect(200);
    expect(ids(filtered.body)).toEqual([a.task_id]);
    expect(filtered.body.total).toBe(1);
    // status is still checked when task_id is given
    expect((await t.request.get(`${url}?${id}=${all[0]}&status=bogus`).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('takes 10 distinct task ids, counts duplicates once, and rejects 11', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => `${id}=${i + 1}`).join('&');
    await t.request.get(`${url}?${ten}`).expect(200);
    await t.request.get(`${url}?${ten}&${id}=1&${id}=10`).expect(200);
    const res = await t.request.get(`${url}?${ten}&${id}=11`).expect(400);
    expect(res.body).toEqual(invalid(`${id} accepts at most 10 distinct values`));
  });

  it('rejects a task_id longer than 64 characters, counting characters rather than UTF-16 units', async () => {
    const res = await t.request.get(`${url}?${id}=${'1'.repeat(65)}`).expect(400);
    expect(res.body).toEqual(invalid(`${id} must be 1 to 64 characters long`));
    await t.request.get(`${url}?${id}=${encodeURIComponent('🎬'.repeat(64))}`).expect(200);
    await t.request.get(`${url}?${id}=${encodeURIComponent('🎬'.repeat(65))}`).expect(400);
  });

  it('bounds create_time by start_time and end_time, both inclusive', async () => {
    const tasks = defaultFixtures().tasks.filter((x) => x.kind === kind.name && x.projectId === null).map((x) => x.task);
    const times = [...new Set(tasks.map((x) => x.create_time))].sort();
    const [from, to] = [times[1]!, times[times.length - 2]!];
    const res = await t.request.get(`${url}?start_time=${from}&end_time=${to}&size=100`).expect(200);
    expect(ids(res.body)).toEqual(expectedOrder(kind, (x) => x.create_time >= from && x.create_time <= to));
    expect(ids(res.body)).toContain(tasks.find((x) => x.create_time === from)!.task_id);
    expect(ids(res.body)).toContain(tasks.find((x) => x.create_time === to)!.task_id);
    const only = await t.request.get(`${url}?start_time=${from}&end_time=${from}`).expect(200);
    expect(only.body.total).toBe(tasks.filter((x) => x.create_time === from).length);
  });

  it('takes any real date, the years 0000 to 0099 included', async () => {
    await t.request.get(`${url}?start_time=00990101000000&end_time=00991231235959`).expect(200);
    await t.request.get(`${url}?start_time=20240229000000`).expect(200);
    await t.request.get(`${url}?start_time=20230229000000`).expect(400);
  });

  it('rejects start_time later than end_time with the vendor’s own detail', async () => {
    const res = await t.request.get(`${url}?start_time=20201120000000&end_time=20201119000000`).expect(400);
    expect(res.body).toEqual(invalid('start_time cannot be greater than end_time'));
  });

  it.each(['20230230000000', '2023010100000', '202301010000000', '20231301000000', '20230101240000', '2023-01-01', 'abcdefghijklmn'])(
    'rejects the time %s',
    async (value) => {
      const rule = (name: string) => invalid(`${name} must be a real UTC date and time written yyyymmddhhmmss`);
      expect((await t.request.get(`${url}?start_time=${value}`).expect(400)).body).toEqual(rule('start_time'));
      expect((await t.request.get(`${url}?end_time=${value}`).expect(400)).body).toEqual(rule('end_time'));
    },
  );

  it.each(['-1', '1.5', '1e2', '0x10', '%205', 'abc', '0', '101'])('rejects size=%s', async (value) => {
    const res = await t.request.get(`${url}?size=${value}`).expect(400);
    expect(res.body).toEqual(invalid('size must be an integer from 1 to 100'));
  });

  it.each(['-1', '1.5', '1e2', '0x10', '%205', 'abc'])('rejects page=%s', async (value) => {
    const res = await t.request.get(`${url}?page=${value}`).expect(400);
    expect(res.body).toEqual(invalid('page must be an integer of 0 or more'));
  });

  it('accepts size at both ends of its range', async () => {
    expect(ids((await t.request.get(`${url}?size=1`).expect(200)).body)).toHaveLength(1);
    expect(ids((await t.request.get(`${url}?size=100`).expect(200)).body)).toEqual(expectedOrder(kind));
  });

  it('rejects a parameter given twice that is defined as a single value', async () => {
    expect((await t.request.get(`${url}?size=1&size=2`).expect(400)).body).toEqual(invalid('size must be given only once'));
    expect((await t.request.get(`${url}?page=0&page=0`).expect(400)).body).toEqual(invalid('page must be given only once'));
  });

  it('treats an empty value as absent and ignores unknown parameters', async () => {
    const plain = await t.request.get(url).expect(200);
    const res = await t.request.get(`${url}?status=&size=&page=&${id}=&start_time=&foo=bar&__proto__=x&constructor=y`).expect(200);
    expect(res.body).toEqual(plain.body);
  });

  it('writes ids and times as strings and leaves out empty fields', async () => {
    const res = await t.request.get(`${url}?size=100`).expect(200);
    for (const task of res.body[kind.listKey] as TaskDocument[]) {
      expect(typeof task.task_id).toBe('string');
      expect(typeof task.create_time).toBe('string');
      for (const value of Object.values(task)) expect(value).not.toBeNull();
      expect(task.end_time !== undefined).toBe(kind.finalStatuses.includes(task.status));
      if (task.status === 'FAILED') {
        expect(typeof task.description).toBe('string');
        if (kind.failureHasErrorCode) expect(typeof task.error_code).toBe('string');
      }
    }
  });
});

describe('order of tasks created at the same second', () => {
  it('puts the larger numeric id first, the same way on every call', async () => {
    const same = (id: string) => ({ task_id: id, status: 'WAITING', create_time: '20240101000000' });
    const fixtures: FixtureSet = {
      templates: [],
      tasks: ['9', '10', '200', '11', 'abc'].map((id) => ({ kind: 'encryption' as const, projectId: null, task: same(id) })),
      details: [],
    };
    const t = await buildTestApp({ fixtures });
    try {
      const first = await t.request.get(`/v1/${PROJECT}/encryptions`).expect(200);
      expect(first.body.task_array.map((x: TaskDocument) => x.task_id)).toEqual(['200', '11', '10', '9', 'abc']);
      const again = await t.request.get(`/v1/${PROJECT}/encryptions?size=2&page=1`).expect(200);
      expect(again.body.task_array.map((x: TaskDocument) => x.task_id)).toEqual(['10', '9']);
    } finally {
      await t.close();
    }
  });
});
