// One place that writes errors in the vendor's envelope: the root error handler, the not-found handler,
// Fastify's framework errors (a URL that is not valid percent-encoding) and Node's HTTP parser errors (a
// request it cannot parse at all) all end here.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdSource } from '../domain/ids.js';
import { apiNotFound, invalidParameter, systemError, VendorError } from '../domain/vendor-errors.js';

/** Longer path parameters are refused by the router itself, before any route sees them. */
export const MAX_PARAM_LENGTH = 2048;

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** The gateway's limits (error-codes.md §2): a body over 12 MB, a request line over 8 KiB. */
export const MAX_BODY_BYTES = 12 * 1024 * 1024;
export const MAX_REQUEST_LINE = 8192;

const gatewayError = (status: number, message: string) => new VendorError(status, 'APIGW.0201', message, 'apigw');
const entityTooLarge = () => gatewayError(413, 'Request entity too large.');
const uriTooLarge = () => gatewayError(414, 'Request URI too large.');
const headersTooLarge = () => gatewayError(494, 'Request headers too large.');
/** Deviation: 408 for a client that did not finish its request in time; the gateway's own answer is not documented. */
const requestTimedOut = () => gatewayError(408, 'Request timeout.');
/** Deviation: 503 while the mock shuts down; the gateway's table has this message with 502 (no backend). */
const shuttingDown = () => gatewayError(503, 'Backend unavailable.');

/** Whether the gateway refuses a request line this long (414): `GET <url> HTTP/1.1`, as the client sent it. */
export const requestLineTooLong = (method: string, url: string) => method.length + url.length + 10 > MAX_REQUEST_LINE;
const lineTooLong = (request: FastifyRequest) => requestLineTooLong(request.raw.method!, request.raw.url!);

/** The vendor's error body: two fields from MPC, three (with the request id) from the API gateway. */
export function vendorErrorBody(error: VendorError, requestId: string): Record<string, string> {
  const body: Record<string, string> = { error_code: error.errorCode, error_msg: error.errorMsg };
  if (error.layer === 'apigw') body.request_id = requestId;
  return body;
}

export function sendVendorError(request: FastifyRequest, reply: FastifyReply, error: VendorError): void {
  // Set here too: framework errors reach us without the onRequest hook having run.
  // As text: Fastify's serializer for an object would only call JSON.stringify, after looking for a schema.
  reply.header('x-request-id', request.id).type(JSON_CONTENT_TYPE).code(error.statusCode).send(JSON.stringify(vendorErrorBody(error, request.id)));
}

/**
 * A vendor route's handler, synchronous: its vendor errors are written here, straight away. Fastify's async
 * handlers and its error path (a thrown error through the error handler) cost a request half again its CPU.
 * Anything else thrown still reaches the root error handler, as a 500. A handler that must wait (for the object
 * store) returns its promise, having sent or sending the answer itself.
 */
export function vendorHandler(answer: (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>) {
  return (request: FastifyRequest, reply: FastifyReply): void | Promise<void> => {
    try {
      return answer(request, reply);
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      sendVendorError(request, reply, error);
    }
  };
}

/** Fastify's own 4xx errors (an unreadable body, a URL that does not decode) as MPC.10202. */
function asVendorError(error: FastifyError, request: FastifyRequest): VendorError {
  if (lineTooLong(request)) return uriTooLarge();
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return entityTooLarge();
  if (error.code === 'FST_ERR_BAD_URL') return invalidParameter('the URL path is not valid percent-encoding');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return invalidParameter(`a path parameter is longer than ${MAX_PARAM_LENGTH} characters`);
  // A path or method that does not exist is that, whatever its body: Fastify reads the body of a request
  // (a DELETE with Content-Type and no body, as the SDK sends it) before its not-found handler runs.
  if (request.is404) return apiNotFound();
  if (error instanceof VendorError) return error;
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return invalidParameter(`the request could not be read (${error.code ?? error.statusCode})`);
  }
  return systemError();
}

export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendVendorError(request, reply, asVendorError(error, request));
}

/** Node's 16 KiB for the request line and headers, overrun: by the line (414) or by the headers (494). */
function overflowOf(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): VendorError {
  const raw = error.rawPacket;
  const lineEnd = raw ? raw.indexOf('\r\n') : -1;
  return lineEnd === -1 || lineEnd > MAX_REQUEST_LINE ? uriTooLarge() : headersTooLarge();
}

/** Reason phrases Node does not know: 494 is nginx's, which the gateway answers with. */
const REASONS: Record<number, string> = { 494: 'Request Header Or Cookie Too Large' };

/** An answer in the envelope written straight to a socket that Node's HTTP server will not answer on. */
function endRaw(socket: Socket, status: number, body: string, requestId: string): void {
  if (!socket.writable) return;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? REASONS[status] ?? 'Error'}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (a raw non-ASCII byte in the path, no Host,
 * headers over 16 KiB) still get the vendor's envelope and a request id, written straight to the socket.
 */
export function clientErrorHandler(ids: IdSource) {
  // A function, not an arrow: Fastify calls it with the instance as `this`, whose logger it uses.
  return function (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
      // The client stalled: it is told, and dropped.
      const requestId = ids.requestId();
      this.log.info({ request_id: requestId, status: 408, error: error.code }, 'request timed out');
      endRaw(socket, 408, JSON.stringify(vendorErrorBody(requestTimedOut(), requestId)), requestId);
      socket.destroySoon();
      return;
    }
    const requestId = ids.requestId();
    // The one line of this request too (SPEC 1.5), so that its X-Request-Id can be looked up; no method or
    // path, as the parser could not read them.
    this.log.info({ request_id: requestId, status: 400, error: error.code ?? error.message }, 'request refused by the HTTP parser');
    const refusal = error.code === 'HPE_HEADER_OVERFLOW' ? overflowOf(error) : invalidParameter('the request is not valid HTTP');
    const body = JSON.stringify(vendorErrorBody(refusal, requestId));
    const answer = () => endRaw(socket, refusal.statusCode, body, requestId);
    // A request pipelined before the bad one may still be being answered: its answer goes out whole first,
    // and only then this one (written straight away, it landed in the middle of the other's body).
    const owed = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (owed && !owed.writableEnded) owed.once('finish', answer).once('close', answer);
    else answer();
  };
}

/** Deviation: 417 for an Expect the mock does not meet. The gateway's answer is not documented; this is its generic error. */
const expectationFailed = () => new VendorError(417, 'APIGW.0201', 'API request error.', 'apigw');

/**
 * What Node answers on its own, outside Fastify and outside the envelope, unless told otherwise: an Expect other
 * than 100-continue with a bare 417, a CONNECT by closing the socket without a word. Both get the envelope, a
 * request id and their log line; CONNECT is a method the API does not have (SPEC 1.6).
 */
export function registerServerAnswers(app: FastifyInstance, ids: IdSource): void {
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const requestId = ids.requestId();
    const body = JSON.stringify(vendorErrorBody(expectationFailed(), requestId));
    app.log.info({ request_id: requestId, method: request.method, url: request.url, status: 417 }, 'request');
    response.writeHead(417, { 'content-type': JSON_CONTENT_TYPE, 'x-request-id': requestId, 'content-length': Buffer.byteLength(body), connection: 'close' });
    response.end(body);
  });
  app.server.on('connect', (request: IncomingMessage, socket: Socket) => {
    const requestId = ids.requestId();
    app.log.info({ request_id: requestId, method: request.method, url: request.url, status: 404 }, 'request');
    endRaw(socket, 404, JSON.stringify(vendorErrorBody(apiNotFound(), requestId)), requestId);
  });

}

/**
 * The envelope on every answer, and the answers to errors. Answers the check an app runs first on every request
 * (its first onRequest hook): whether the gateway refuses it outright (414, or 503 while shutting down); and
 * whether the mock is shutting down.
 */
export function registerVendorEnvelope(app: FastifyInstance): { refused: (request: FastifyRequest, reply: FastifyReply) => boolean; closing: () => boolean } {
  // Every answer carries its request id, and every JSON body the vendor's content type (SPEC 1.5), including
  // Fastify's serialised route results. One callback-style hook: an async hook costs every request a promise
  // and a microtask turn. (Answers written before any hook runs, framework errors, set both in sendVendorError.)
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type !== JSON_CONTENT_TYPE && type.startsWith('application/json')) reply.header('content-type', JSON_CONTENT_TYPE);
    done(null, payload);
  });

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  /** Answers a request the gateway refuses before anything else looks at it; true if it did. */
  const refused = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (lineTooLong(request)) sendVendorError(request, reply, uriTooLarge());
    // Requests on connections still open at shutdown: answered, and the connection closed after.
    else if (closing) sendVendorError(request, reply.header('connection', 'close'), shuttingDown());
    else return false;
    return true;
  };
  app.setNotFoundHandler((request, reply) => sendVendorError(request, reply, apiNotFound()));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const vendorError = asVendorError(error, request);
    // Fastify closes the connection after a body it would not read; the client, still sending, would see a
    // reset instead of the 413. Kept open, Node reads the rest of the body and drops it, and the answer arrives.
    if (vendorError.statusCode === 413) {
      reply.removeHeader('connection');
      request.raw.resume();
    }
    if (vendorError.statusCode >= 500) request.log.error({ err: error }, 'unexpected error');
    sendVendorError(request, reply, vendorError);
  });
  return { refused, closing: () => closing };
}
