import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { mockControl, startMpcMock, type RunningMpcMock } from '../../src/index.js';

// One mock for the whole suite (in CI it may be a container: mockControl(process.env.MPC_MOCK_URL)).
let mock: RunningMpcMock;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0 });
});
afterAll(() => mock.close());

// Each test file works in a project of its own, so files running in parallel never see each other.
const project = `suite-${randomUUID().slice(0, 8)}`;
const control = () => mockControl(mock.url);

beforeAll(async () => {
  await control().lifecycle.set({ mode: 'immediate', project_id: project });
  await control().outcomes.set([{ input_object: '*.avi', outcome: 'fail', description: 'AVI is not supported.' }], project);
});
beforeEach(async () => {
  await control().reset({ project_id: project }); // this project's tasks, faults and journal only
});

it('fails an AVI input in this project, and only here', async () => {
  const create = (p: string) =>
    fetch(`${mock.url}/v1/${p}/encryptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { bucket: 'in', location: 'cn-north-4', object: 'old/movie.avi' },
        output: { bucket: 'out', location: 'cn-north-4', object: 'encrypted/movie' },
        encryption: { hls_encrypt: { key: 'mpc-mock-key-16b', url: 'https://keys.example.com/k' } },
      }),
    }).then((r) => r.json() as Promise<{ task_id: string }>);
  const mine = await create(project);
  const task = await control().task('encryptions', mine.task_id, project).get();
  expect(task).toMatchObject({ status: 'FAILED', description: 'AVI is not supported.' });

  const elsewhere = await create('some-other-project');
  expect((await control().task('encryptions', elsewhere.task_id, 'some-other-project').get()).status).toBe('WAITING');
});
