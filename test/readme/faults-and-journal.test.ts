import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0 });
});
afterAll(() => mock.close());

/** The code under test: a client that retries a 5xx once. */
async function listTranscodings(baseUrl: string, project: string) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${baseUrl}/v1/${project}/transcodings`);
    if (res.status < 500 || attempt === 2) return res;
  }
}

it('retries once after a 500', async () => {
  const project = 'retry-test';
  await mock.control.faults.add({ match: { project_id: project, method: 'GET' }, response: { status: 500 }, times: 1 });

  const res = await listTranscodings(mock.url, project);
  expect(res.status).toBe(200);

  const { requests } = await mock.control.requests.list({ project_id: project });
  expect(requests.map((r) => r.status)).toEqual([500, 200]);
  expect(requests[0]!.fault).toBeDefined(); // the id of the rule that answered it
});
