// The mock driven by the vendor's own Node SDK core (@huaweicloud/huaweicloud-sdk-core): its signer, its
// headers, its query serialisation and its error mapping, as a real client meets them. The MPC client
// package is not on the npm registry, so `mpcOperation` below builds the same request options that its
// generated MpcClient hands to HcClient.sendRequest (method, url template, contentType, query, headers).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { testContract } from './helper.js';

// The SDK writes ~/.huaweicloud/application_id on first use; keep that out of the real home directory.
process.env.HOME = mkdtempSync(join(tmpdir(), 'mpc-sdk-home-'));
const { ClientBuilder } = await import('@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js');
const { BasicCredentials } = await import('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js');
// The SDK logs every error response at ERROR through log4js; the assertions below say what matters.
(await import('log4js')).default.configure({ appenders: { out: { type: 'stdout' } }, categories: { default: { appenders: ['out'], level: 'off' } } });

const PROJECT = '0123456789abcdef0123456789abcdef';

interface SdkError {
  httpStatusCode: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
  constructor: { name: string };
}

/** What the generated MpcClient sends for one operation of the document. */
function mpcOperation(operationId: string, queryParams: Record<string, unknown>, headers: Record<string, string> = {}) {
  const op = testContract().operation(operationId);
  return { method: op.method, url: op.path, contentType: 'application/json', queryParams, pathParams: {}, headers, responseHeaders: [''] };
}

describe('the official Huawei Cloud SDK core against mpc-mock', () => {
  let mock: RunningMpcMock;
  let client: { sendRequest<T>(options: object): Promise<T> };
  const send = <T = Record<string, unknown>>(operationId: string, query: Record<string, unknown>, headers?: Record<string, string>) =>
    client.sendRequest<T & { httpStatusCode: number }>(mpcOperation(operationId, query, headers));
  const failure = async (promise: Promise<unknown>): Promise<SdkError> => {
    try {
      await promise;
    } catch (error) {
      return error as SdkError;
    }
    throw new Error('the SDK call succeeded');
  };

  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, logLevel: 'silent' });
    const credentials = new BasicCredentials().withAk('TESTAK').withSk('TESTSK').withProjectId(PROJECT).withSecurityToken('token');
    client = new ClientBuilder((hcClient) => hcClient as unknown as typeof client).withCredential(credentials).withEndpoint(mock.url).build();
  });
  afterAll(() => mock.close());

  it.each([
    ['ListTranscodingTask', [22123973], 'task_array'],
    ['ListThumbnailsTask', ['7684'], 'task_array'],
    ['ListAnimatedGraphicsTask', ['30647'], 'tasks'],
    ['ListEncryptTask', ['31207'], 'task_array'],
  ])('%s finds the documented task by id', async (operationId, taskId, listKey) => {
    const headers: Record<string, string> = operationId === 'ListEncryptTask' ? {} : { 'x-language': 'en-US' };
    const res = await send(operationId, { task_id: taskId }, headers);
    expect(res.httpStatusCode).toBe(200);
    expect(res.total).toBe(1);
    expect((res[listKey] as Array<{ task_id: unknown }>)[0]!.task_id).toBe(String(taskId[0]));
  });

  it('sends repeated task ids, status, page=0 and size as the SDK does, and pages', async () => {
    const ids = await send('ListTranscodingTask', { task_id: [22124101, 22124102, 9], status: 'SUCCEEDED' });
    expect((ids.task_array as Array<{ task_id: string }>).map((t) => t.task_id)).toEqual(['22124102', '22124101']);
    const page = await send('ListThumbnailsTask', { status: 'SUCCEEDED', page: 0, size: 2 });
    expect(page.total).toBeGreaterThan(2);
    expect(page.is_truncated).toBe(1);
  });

  it('reads snapshot details through the VOD operation', async () => {
    const res = await send('ListThumbnailDetails', { task_id: '7684', offset: 0, limit: 20 });
    expect(res.total).toBe(2);
  });

  it('surfaces a bad parameter as a ClientRequestException with the vendor code, message and request id', async () => {
    const error = await failure(send('ListThumbnailsTask', { size: 0 }));
    expect(error.constructor.name).toBe('ClientRequestException');
    expect(error.httpStatusCode).toBe(400);
    expect(error.errorCode).toBe('MPC.10202');
    expect(error.errorMsg).toBe('Invalid request parameter, size must be an integer from 1 to 100.');
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('surfaces an unknown API as APIGW.0101', async () => {
    const error = await failure(client.sendRequest({ ...mpcOperation('ListEncryptTask', {}), url: '/v1/{project_id}/remux' }));
    expect(error.httpStatusCode).toBe(404);
    expect(error.errorCode).toBe('APIGW.0101');
  });
});
