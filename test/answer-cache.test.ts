// The read answers kept between requests (src/domain/tasks/answer-cache.ts) are never stale: each way the store can
// change, through the vendor API, the control plane or the clock, shows in the very next identical read.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerCache } from '../src/domain/tasks/answer-cache.js';
import { buildTestApp, FIXTURE_PROJECT, PROJECT, type TestApp } from './helper.js';

describe('AnswerCache', () => {
  it('answers again only while the version is unchanged', () => {
    let version = 0;
    let computed = 0;
    const cache = new AnswerCache<string>({ version: () => version }, (v) => v.length);
    const read = () => cache.get('k', () => `answer ${++computed}`);
    // Kept the second time it is asked, answered from the cache from the third.
    expect(read()).toBe('answer 1');
    expect(read()).toBe('answer 2');
    expect(read()).toBe('answer 2');
    version++;
    expect(read()).toBe('answer 3');
  });

  it('keeps nothing of questions asked once', () => {
    let computed = 0;
    const cache = new AnswerCache<string>({ version: () => 0, maxSeen: 2 }, (v) => v.length);
    const read = (key: string) => cache.get(key, () => `${key}:${++computed}`);
    read('a');
    read('b');
    read('c'); // remembers b and c only
    read('a'); // asked "once" again: not kept
    expect(read('a')).toBe('a:5'); // the second time in memory: kept now
    expect(read('a')).toBe('a:5');
  });

  it('does not keep an answer whose computing changed the store (a read counted in reads mode)', () => {
    let version = 0;
    let computed = 0;
    const cache = new AnswerCache<string>({ version: () => version }, (v) => v.length);
    const read = () => cache.get('k', () => (version++, `answer ${++computed}`));
    expect(read()).toBe('answer 1');
    expect(read()).toBe('answer 2');
    expect(read()).toBe('answer 3');
  });

  it('keeps at most its budget of characters, dropping the oldest answers first', () => {
    let computed = 0;
    const cache = new AnswerCache<string>({ version: () => 0, maxChars: 30 }, (v) => v.length);
    const read = (key: string) => cache.get(key, () => `${key}:${++computed}`.padEnd(10, '.'));
    for (const key of ['a', 'b', 'c']) read(key); // seen once each
    for (const key of ['a', 'b', 'c']) read(key); // kept: a (11 with its key), b, c: 33 > 30, so a goes
    expect(computed).toBe(6);
    read('c');
    read('b');
    expect(computed).toBe(6);
    read('a');
    expect(computed).toBe(7);
  });
});

describe('a repeated read after each kind of change', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  const list = async (path = `/v1/${FIXTURE_PROJECT}/transcodings?size=100`) => (await t.request.get(path).expect(200)).body;

  it('sees a create, a progression by the clock, a cancel, a patch, a removal, an added task and a reset', async () => {
    const before = await list();
    expect(await list()).toEqual(before);

    const created = await t.request
      .post(`/v1/${FIXTURE_PROJECT}/transcodings`)
      .send({ input: { bucket: 'b', location: 'cn-north-4', object: 'in.mp4' }, output: { bucket: 'b', location: 'cn-north-4', object: 'out/' }, trans_template_id: [7000523] })
      .expect(202);
    const id = String(created.body.task_id);
    const afterCreate = await list();
    expect(afterCreate.total).toBe(before.total + 1);
    expect(afterCreate.task_array[0]).toMatchObject({ task_id: id, status: 'WAITING' });

    // Time passes: no write until a read settles it, and the read sees it.
    await t.request.post('/_mock/clock/advance').send({ seconds: 1 }).expect(200);
    expect((await list()).task_array[0]).toMatchObject({ task_id: id, status: 'TRANSCODING' });

    await t.request.delete(`/v1/${FIXTURE_PROJECT}/transcodings?task_id=${id}`).expect(204);
    expect((await list()).task_array[0]).toMatchObject({ task_id: id, status: 'CANCELED' });

    await t.request.patch(`/_mock/tasks/transcodings/${id}?project_id=${FIXTURE_PROJECT}`).send({ user_data: 'changed' }).expect(200);
    expect((await list()).task_array[0]).toMatchObject({ task_id: id, user_data: 'changed' });

    await t.request.delete(`/_mock/tasks/transcodings/${id}?project_id=${FIXTURE_PROJECT}`).expect(204);
    expect(await list()).toEqual(before);

    await t.request
      .post('/_mock/tasks')
      .send({ project_id: FIXTURE_PROJECT, transcodings: [{ task_id: 'added-1', status: 'WAITING', create_time: '20991231000000' }] })
      .expect(200);
    expect((await list()).task_array[0]).toMatchObject({ task_id: 'added-1' });

    await t.request.post('/_mock/reset').expect(200);
    expect(await list()).toEqual(before);
  });

  it('keeps one project’s answer apart from another’s, and a status filter’s from the unfiltered list', async () => {
    const mine = await list(`/v1/${FIXTURE_PROJECT}/transcodings`);
    const theirs = await list(`/v1/${PROJECT}/transcodings`);
    expect(mine.total).toBe(theirs.total + 1);
    const failed = await list(`/v1/${PROJECT}/transcodings?status=FAILED`);
    expect(failed.task_array.every((task: { status: string }) => task.status === 'FAILED')).toBe(true);
    expect(await list(`/v1/${PROJECT}/transcodings`)).toEqual(theirs);
  });
});
