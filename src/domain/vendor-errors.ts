// The one catalogue of the vendor's errors: code, status and message, as the vendor defines them. Handlers and
// the domain throw these; src/http/vendor-envelope.ts writes them. MPC's own errors carry two fields; the API
// gateway's carry the request id too (shared/reference/error-codes.md §0), hence the layer.

export type ErrorLayer = 'mpc' | 'apigw';

export class VendorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly errorMsg: string,
    readonly layer: ErrorLayer,
  ) {
    // An answer, not a fault: no stack trace to capture (it cost a 404 an eighth of its CPU).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(errorMsg);
    Error.stackTraceLimit = limit;
    this.name = 'VendorError';
  }
}

/** 400 MPC.10202. The detail names the parameter and the rule it broke. */
export const invalidParameter = (detail: string) =>
  new VendorError(400, 'MPC.10202', `Invalid request parameter, ${detail}.`, 'mpc');

/** 404 APIGW.0101: no such path, or no such method on it. */
export const apiNotFound = () =>
  new VendorError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', 'apigw');

/** 401 APIGW.0301: authentication on, and the request's credentials missing or wrong; the gateway's detail (error-codes.md §2a). */
export const iamAuthFailed = (detail: string) => new VendorError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${detail}`, 'apigw');

/** 500 MPC.10050: anything unexpected. The cause goes to the log only. */
export const systemError = () => new VendorError(500, 'MPC.10050', 'System error. Contact technical support.', 'mpc');

/** 400 MPC.10212: the operation cannot be done in the task's state (cancel a finished task). */
export const operationFailed = (detail: string) => new VendorError(400, 'MPC.10212', `Operation failed, ${detail}.`, 'mpc');

/** 403 MPC.10211: a record operation (remux record deletion, retry, a transcoding record's deletion) on a task that does not exist. */
export const taskDoesNotExist = (detail: string) => new VendorError(403, 'MPC.10211', `The task does not exist, ${detail}.`, 'mpc');

/** 403 MPC.10212: the remux retry's refusal of a task in any state but FAILED (reference 3.5). */
export const operationForbidden = (detail: string) => new VendorError(403, 'MPC.10212', `Operation failed, ${detail}.`, 'mpc');

/** 400 MPC.10213: a record deleted before its task is final (`DELETE /transcodings/task`, `DELETE /remux/task`). */
export const notFinal = (detail: string) => new VendorError(400, 'MPC.10213', `Operation failed. The task is not in the final state, ${detail}.`, 'mpc');

/** The control plane's own errors (SPEC 6): MOCK.0404 for a task or rule it does not have. */
export const mockNotFound = (what: string) => new VendorError(404, 'MOCK.0404', `${what} not found`, 'mpc');

/** 404 MOCK.0404 for one task of the control plane, in a project or among the shared fixtures. */
export const mockTaskNotFound = (kindPath: string, taskId: string, projectId: string | undefined) =>
  mockNotFound(`Task ${kindPath}/${taskId} ${projectId ? `in project ${projectId}` : 'among the shared fixtures'}`);

/** 408 MOCK.0408: a control-plane wait ran out of time. */
export const mockTimeout = (what: string) => new VendorError(408, 'MOCK.0408', `Timed out waiting for ${what}`, 'mpc');

/** 401 MOCK.0401: the control plane requires a token and the request did not carry the right one. */
export const mockUnauthorized = () => new VendorError(401, 'MOCK.0401', 'Missing or wrong control token: send Authorization: Bearer <token>', 'mpc');
