// SPEC 6.5 (and the envelope rules of SPEC 6): the clock, the lifecycle and outcome settings through /_mock/,
// and the same operations on the object startMpcMock returns.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockClock } from '../src/domain/steering/clock.js';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, TEST_NOW, type TestApp } from './helper.js';

describe('the clock', () => {
  it('runs with the system clock, freezes, advances, and runs on from where it stands', () => {
    let system = Date.parse('2030-01-01T00:00:00Z');
    const clock = new MockClock(() => system);
    expect(clock.state()).toEqual({ now: system, frozen: false });
    system += 1000;
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:01Z'));
    clock.freeze();
    system += 5000;
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:01Z'));
    clock.advance(2.5);
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:03.500Z'));
    clock.unfreeze();
    system += 1000;
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:04.500Z'));
    clock.advance(10);
    expect(clock.now()).toBe(Date.parse('2030-01-01T00:00:14.500Z'));
    clock.freeze(Date.parse('1999-12-31T23:59:59Z'));
    expect(clock.state()).toEqual({ now: Date.parse('1999-12-31T23:59:59Z'), frozen: true });
  });
});

describe('/_mock/clock', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  it('reads, freezes at a time (an earlier one too), advances and unfreezes, answering the new state', async () => {
    expect((await t.request.get('/_mock/clock').expect(200)).body).toEqual({ now: TEST_NOW, frozen: true });
    expect((await t.request.post('/_mock/clock/advance').send({ seconds: 90.25 }).expect(200)).body).toEqual({ now: '2026-11-25T10:01:30.250Z', frozen: true });
    expect((await t.request.put('/_mock/clock').send({ frozen: true, now: '2020-01-01T00:00:00Z' }).expect(200)).body).toEqual({
      now: '2020-01-01T00:00:00.000Z',
      frozen: true,
    });
    const running = (await t.request.put('/_mock/clock').send({ frozen: false }).expect(200)).body;
    expect(running.frozen).toBe(false);
    expect(Date.parse(running.now) - Date.parse('2020-01-01T00:00:00Z')).toBeLessThan(60_000);
  });

  it('stamps created tasks with its time', async () => {
    await t.request.put('/_mock/clock').send({ frozen: true, now: '2031-02-03T04:05:06.789Z' }).expect(200);
    const res = await t.request.post('/v1/p/thumbnails').send(CREATE_BODIES.thumbnails).expect(202);
    expect(res.body.create_time).toBe('20310203040506');
  });

  it.each([
    ['PUT', '/_mock/clock', {}, 'frozen is required'],
    ['PUT', '/_mock/clock', { frozen: 'maybe' }, 'frozen must be boolean'],
    ['PUT', '/_mock/clock', { frozen: true, now: 'yesterday' }, 'now must match format "date-time"'],
    ['PUT', '/_mock/clock', { frozen: false, now: '2020-01-01T00:00:00Z' }, 'now can only be given with frozen true'],
    ['POST', '/_mock/clock/advance', { seconds: 0 }, 'seconds must be > 0'],
    ['POST', '/_mock/clock/advance', { seconds: 'soon' }, 'seconds must be number'],
    ['PUT', '/_mock/lifecycle', { mode: 'sometimes' }, 'mode must be one of immediate, time, reads, manual'],
    ['PUT', '/_mock/lifecycle', { mode: 'reads', reads_per_state: 0 }, 'reads_per_state must be >= 1'],
    ['PUT', '/_mock/lifecycle', { mode: 'time', kind: 'remuxes' }, 'kind must be one of transcodings, thumbnails, animated-graphics, encryptions, extract-metadata, remux, merge-channels, reset-tracks, editing-jobs, enhancements'],
    ['PUT', '/_mock/outcomes', { rules: [{ outcome: 'fail', input_object: '' }] }, 'rules.0.input_object must NOT have fewer than 1 characters'],
  ] as const)('%s %s %j answers 400 MPC.10202: %s', async (method, path, body, detail) => {
    const res = await t.request[method === 'PUT' ? 'put' : 'post'](path).send(body).expect(400);
    expect(res.body).toEqual({ error_code: 'MPC.10202', error_msg: `Invalid request parameter, ${detail}.` });
  });

  it('answers an unknown /_mock/ path with 404 APIGW.0101', async () => {
    const res = await t.request.get('/_mock/nothing').expect(404);
    expect(res.body.error_code).toBe('APIGW.0101');
  });
});

describe('startMpcMock’s control object', () => {
  let mock: RunningMpcMock;
  afterAll(() => mock.close());

  it('freezes and advances the clock, sets the lifecycle and outcomes, and moves a task on, typed and checked', async () => {
    mock = await startMpcMock({ port: 0, lifecycle: 'manual', outcomes: [{ input_object: 'bad-*', outcome: 'fail', error_code: 'MPC.10053', description: 'The input file does not exist.' }] });
    const frozenAt = mock.clock.freeze('2026-11-25T10:00:00Z');
    expect(frozenAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(mock.clock.advance(5).toISOString()).toBe('2026-11-25T10:00:05.000Z');
    expect(mock.lifecycle.get()).toEqual([{ mode: 'manual' }]);
    expect(mock.outcomes.get()).toEqual([{ input_object: 'bad-*', outcome: 'fail', error_code: 'MPC.10053', description: 'The input file does not exist.' }]);

    const post = await fetch(`${mock.url}/v1/p/encryptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODIES.encryptions) });
    const { task_id } = (await post.json()) as { task_id: string };
    expect(mock.tasks.advance('encryptions', task_id, 'p').status).toBe('PROCESSING');
    expect(mock.tasks.advance('encryptions', task_id, 'p')).toMatchObject({ status: 'SUCCEEDED', end_time: '20261125100005' });
    expect(() => mock.tasks.advance('encryptions', task_id, 'p')).toThrowError('Operation failed, task');
    expect(() => mock.tasks.advance('encryptions', task_id, 'q')).toThrowError('not found');

    expect(mock.lifecycle.set({ mode: 'reads', project_id: 'p' })).toEqual([{ mode: 'manual' }, { mode: 'reads', reads_per_state: 1, project_id: 'p' }]);
    expect(() => mock.lifecycle.set({ mode: 'later' as never })).toThrowError('Invalid request parameter, mode must be one of');
    expect(mock.lifecycle.clear({ project_id: 'p' })).toEqual([{ mode: 'manual' }]);
    expect(mock.outcomes.set([])).toEqual([]);
    expect(() => mock.outcomes.set([{ kind: 'encryptions', outcome: 'partial' }])).toThrowError('applies to transcodings, editing-jobs only');
    mock.clock.unfreeze();
    expect(mock.clock.frozen()).toBe(false);
  });

  it('logs at warn by default in-process', async () => {
    const quiet = await startMpcMock({ port: 0 });
    try {
      expect(quiet.app.log.level).toBe('warn');
    } finally {
      await quiet.close();
    }
  });
});
