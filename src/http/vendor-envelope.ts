// One place that writes errors in the vendor's envelope: the root error handler, the not-found handler and
// Fastify's framework errors (a URL that is not valid percent-encoding) all end here.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiNotFound, invalidParameter, systemError, VendorError } from '../domain/vendor-errors.js';

/** Longer path parameters are refused by the router itself, before any route sees them. */
export const MAX_PARAM_LENGTH = 2048;

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function sendVendorError(request: FastifyRequest, reply: FastifyReply, error: VendorError): void {
  // Set here too: framework errors reach us without the onRequest hook having run.
  reply.header('x-request-id', request.id).type(JSON_CONTENT_TYPE).code(error.statusCode).send(error.body(request.id));
}

/** Fastify's own 4xx errors (an unreadable body, a URL that does not decode) as MPC.10202. */
function asVendorError(error: FastifyError): VendorError {
  if (error instanceof VendorError) return error;
  if (error.code === 'FST_ERR_BAD_URL') return invalidParameter('the URL path is not valid percent-encoding');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return invalidParameter(`a path parameter is longer than ${MAX_PARAM_LENGTH} characters`);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return invalidParameter(`the request could not be read (${error.code ?? error.statusCode})`);
  }
  return systemError();
}

export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendVendorError(request, reply, asVendorError(error));
}

export function registerVendorEnvelope(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Every JSON body in the vendor's content type (SPEC 1.5), including Fastify's serialised route results.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', JSON_CONTENT_TYPE);
    return payload;
  });
  app.setNotFoundHandler((request, reply) => sendVendorError(request, reply, apiNotFound()));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const vendorError = asVendorError(error);
    if (vendorError.statusCode >= 500) request.log.error({ err: error }, 'unexpected error');
    sendVendorError(request, reply, vendorError);
  });
}
