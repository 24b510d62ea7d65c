import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0, logLevel: 'silent' }); // the options mirror the CLI's
});
afterAll(() => mock.close());

it('finds the documented transcoding task', async () => {
  const res = await fetch(`${mock.url}/v1/0123456789abcdef0123456789abcdef/transcodings?task_id=22123973`);
  const body = (await res.json()) as { task_array: Array<{ status: string }> };
  expect(body.task_array[0]!.status).toBe('SUCCEEDED');
});
