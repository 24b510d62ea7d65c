// Issue 8: parallel tests share one server by using different project ids. Two workloads run at once against
// one mock, each in its own project: each sets its own lifecycle and outcome rules, fault rules, resets its own
// state over and over, adds, creates, cancels, polls and waits, and asserts that it only ever sees its own
// effects. The figures (requests, time, interference) are printed for the closing note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';

const ROUNDS = 25;

interface Figures {
  project: string;
  requests: number;
  violations: string[];
}

describe('two scoped workloads at once against one server', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0 });
  });
  afterAll(() => mock.close());

  async function workload(project: string, mode: 'immediate' | 'reads'): Promise<Figures> {
    const figures: Figures = { project, requests: 0, violations: [] };
    const control = mock.control;
    const call = async (path: string, init?: RequestInit) => {
      figures.requests++;
      const res = await fetch(`${mock.url}${path}`, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const post = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const check = (ok: boolean, what: string) => {
      if (!ok) figures.violations.push(what);
    };

    await control.lifecycle.set({ mode, ...(mode === 'reads' ? { reads_per_state: 1 } : {}), project_id: project });
    await control.outcomes.set([{ input_object: `${project}-fails.mp4`, outcome: 'fail' }], project);
    figures.requests += 2;
    for (let round = 0; round < ROUNDS; round++) {
      await control.reset({ project_id: project });
      await control.addTasks({ project_id: project, encryptions: [{ task_id: `${project}-e`, status: 'WAITING', create_time: '20260101000000' }] });
      const rule = await control.faults.add({ match: { project_id: project, kind: 'animated-graphics' }, response: { status: 503 }, times: 1 });
      figures.requests += 3;

      // Only its own fault fires on it, once.
      check((await call(`/v1/${project}/animated-graphics`)).status === 503, `round ${round}: own fault did not fire`);
      check((await call(`/v1/${project}/animated-graphics`)).status === 200, `round ${round}: own fault fired twice`);

      // Its reset left exactly its added task and nothing created before.
      const listed = await call(`/v1/${project}/encryptions?size=100&start_time=20260101000000&end_time=20260101000000`);
      check(listed.body.total === 1 && listed.body.task_array[0].task_id === `${project}-e`, `round ${round}: own state after reset is ${JSON.stringify(listed.body)}`);

      // Create, and see its own lifecycle and outcome rules decide.
      const ok = await post(`/v1/${project}/transcodings`, CREATE_BODIES.transcodings);
      const bad = await post(`/v1/${project}/transcodings`, { ...CREATE_BODIES.transcodings, input: { bucket: 'b', location: 'cn-north-4', object: `in/${project}-fails.mp4` } });
      const cancel = await post(`/v1/${project}/thumbnails`, CREATE_BODIES.thumbnails);
      check(ok.status === 202 && bad.status === 202 && cancel.status === 202, `round ${round}: creates answered ${ok.status} ${bad.status} ${cancel.status}`);
      const poll = async (id: number | string) => (await call(`/v1/${project}/transcodings?task_id=${id}`)).body.task_array[0];
      let first = await poll(ok.body.task_id);
      if (mode === 'reads') {
        check(first.status === 'WAITING', `round ${round}: reads mode showed ${first.status} first`);
        first = await poll(ok.body.task_id);
        check(first.status === 'TRANSCODING', `round ${round}: reads mode showed ${first.status} second`);
        first = await poll(ok.body.task_id);
      }
      check(first.status === 'SUCCEEDED', `round ${round}: ${mode} mode ended ${first.status}`);
      let failed = await poll(bad.body.task_id);
      for (let i = 0; i < 3 && failed.status !== 'FAILED'; i++) failed = await poll(bad.body.task_id);
      check(failed.status === 'FAILED', `round ${round}: own outcome rule gave ${failed.status}`);
      if (mode === 'reads') {
        const del = await call(`/v1/${project}/thumbnails?task_id=${cancel.body.task_id}`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
        check(del.status === 204, `round ${round}: cancel answered ${del.status}`);
      }

      // The journal holds its requests, and a wait for them returns.
      const waited = await control.requests.wait({ match: { project_id: project, kind: 'transcodings', method: 'POST' }, count: 2, timeout_ms: 5000 });
      figures.requests++;
      check(waited.requests?.every((r) => r.project_id === project) === true, `round ${round}: wait returned another project's requests`);
      const journal = await control.requests.list({ project_id: project });
      figures.requests++;
      check(journal.requests.every((r) => r.project_id === project), `round ${round}: journal filter leaked`);
      await control.faults.remove(rule.id).catch(() => undefined);
      figures.requests++;
    }
    return figures;
  }

  it('never lets one touch the other', async () => {
    const started = performance.now();
    const [a, b] = await Promise.all([workload('team-a', 'immediate'), workload('team-b', 'reads')]);
    const seconds = (performance.now() - started) / 1000;
    const total = a.requests + b.requests;
    console.log(
      `parallel projects: ${ROUNDS} rounds each, ${a.requests} + ${b.requests} = ${total} requests in ${seconds.toFixed(2)} s ` +
        `(${(total / seconds).toFixed(0)} req/s), interference: ${a.violations.length + b.violations.length}`,
    );
    expect(a.violations).toEqual([]);
    expect(b.violations).toEqual([]);
    // Each project's settings are still its own, and the other's are untouched by its resets.
    expect(await mock.control.lifecycle.get()).toEqual(
      expect.arrayContaining([
        { mode: 'immediate', project_id: 'team-a' },
        { mode: 'reads', reads_per_state: 1, project_id: 'team-b' },
      ]),
    );
    expect((await mock.control.outcomes.get('team-a')).map((r) => r.input_object)).toEqual(['team-a-fails.mp4']);
    expect((await mock.control.outcomes.get()).map((r) => r.input_object)).toEqual(expect.arrayContaining(['team-a-fails.mp4', 'team-b-fails.mp4', 'fail-*']));
  });
});
