// The one catalogue of the vendor's errors. Handlers and the domain throw these; one root error handler
// writes them in the vendor's envelope. MPC's own errors carry two fields; the API gateway's carry the
// request id too (shared/reference/error-codes.md §0).

export type ErrorLayer = 'mpc' | 'apigw';

export class VendorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly errorMsg: string,
    readonly layer: ErrorLayer,
  ) {
    super(errorMsg);
    this.name = 'VendorError';
  }

  body(requestId: string): Record<string, string> {
    const body: Record<string, string> = { error_code: this.errorCode, error_msg: this.errorMsg };
    if (this.layer === 'apigw') body.request_id = requestId;
    return body;
  }
}

/** 400 MPC.10202. The detail names the parameter and the rule it broke. */
export const invalidParameter = (detail: string) =>
  new VendorError(400, 'MPC.10202', `Invalid request parameter, ${detail}.`, 'mpc');

/** 400 MPC.10212: the task's state does not allow the operation. */
export const operationFailed = (detail: string) =>
  new VendorError(400, 'MPC.10212', `Operation failed, ${detail}.`, 'mpc');

/** 404 APIGW.0101: no such path, or no such method on it. */
export const apiNotFound = () =>
  new VendorError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', 'apigw');

/** 401 APIGW.0301. */
export const authenticationFailed = (detail: string) =>
  new VendorError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${detail}`, 'apigw');

/** 500 MPC.10050: anything unexpected. The cause goes to the log only. */
export const systemError = () => new VendorError(500, 'MPC.10050', 'System error. Contact technical support.', 'mpc');
