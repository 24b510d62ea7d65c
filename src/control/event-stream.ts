// GET /_mock/events (SPEC 12.1): what happens in the mock as server-sent events, for the dashboard and for
// tests. The domain's EventHub makes the events; this file writes them to each open stream, filtered as the
// stream asked, and tells the hub of the control calls that changed something.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../contract/openapi.js';
import type { MpcService } from '../domain/mpc-service.js';
import type { MockEvent, MockEventType } from '../domain/steering/events.js';
import { invalidParameter } from '../domain/vendor-errors.js';
import { bindParameters, fastifyPath, type RawQuery } from '../http/parameters.js';
import { sendVendorError } from '../http/vendor-envelope.js';

export interface EventStreamOptions {
  /** A comment line after this much quiet, so that proxies keep the connection (default 15 s). */
  keepAliveMs?: number;
  /** A client this far behind (bytes waiting to be sent) is disconnected, to resync when it reconnects. */
  maxBacklogBytes?: number;
}

const EVENT_TYPES: readonly MockEventType[] = ['task', 'request', 'delivery', 'control'];

export function registerEventStream(app: FastifyInstance, contract: Contract, service: MpcService, options: EventStreamOptions = {}): void {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBacklog = options.maxBacklogBytes ?? 1 << 20;
  const op = contract.operation('streamEvents');
  const readParams = bindParameters<{ types?: string; project_id?: string; last_event_id?: number }>(op);
  const open = new Set<ServerResponse>();

  // A control call that changed something: the dashboard reads again what it shows.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 300 || !service.events.listening()) return;
    const path = request.url.split('?', 1)[0]!;
    if (!path.startsWith('/_mock/') || path === '/_mock/events') return;
    const project = /[?&]project_id=([^&]*)/.exec(request.url)?.[1] ?? (request.body as { project_id?: unknown } | undefined)?.project_id;
    service.events.emit(() => ({
      type: 'control',
      time: new Date(service.clock.now()).toISOString(),
      method: request.method,
      path,
      status: reply.statusCode,
      ...(typeof project === 'string' && project !== '' ? { project_id: decodeURIComponent(project) } : {}),
    }));
  });

  // The mock stops: every stream ends (a stream never ends by itself, and the server waits for its connections).
  app.addHook('preClose', (done) => {
    for (const res of open) res.end();
    done();
  });

  app.route({
    method: 'GET',
    url: fastifyPath(op.path),
    handler: async (request, reply) => {
      const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
      const header = request.headers['last-event-id'];
      let after = params.last_event_id;
      if (typeof header === 'string' && header.trim() !== '') {
        if (!/^\d{1,15}$/.test(header.trim())) {
          sendVendorError(request, reply, invalidParameter('Last-Event-ID must be an event id (an integer)'));
          return reply;
        }
        after = Number(header.trim());
      }
      const types = new Set<MockEventType>(params.types ? (params.types.split(',') as MockEventType[]) : EVENT_TYPES);
      const project = params.project_id;
      const wanted = (e: MockEvent) => {
        if (e.type === 'resync') return true;
        if (!types.has(e.type)) return false;
        // A control call of no project (the clock, a reset of everything) concerns every project.
        if (project !== undefined && 'project_id' in e && e.project_id !== undefined) return e.project_id === project;
        return project === undefined || e.type === 'control';
      };

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': request.id,
        // Nginx and other proxies pass a stream on as it comes.
        'x-accel-buffering': 'no',
      });
      res.socket?.setNoDelay(true);
      open.add(res);
      const quiet = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
      quiet.unref();
      const send = (e: MockEvent) => {
        if (!wanted(e) || res.writableEnded) return;
        // A client that does not read: let it go rather than keep its backlog.
        if (res.writableLength > maxBacklog) {
          res.end();
          return;
        }
        res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
        quiet.refresh();
      };
      const listener = service.events.listen(send, after);
      // Where the browser waits after a dropped connection before it reconnects.
      res.write('retry: 2000\n\n');
      // The events after `after` are not all there: the client reads the state again, and goes on from the latest.
      if (listener.missed) send({ id: service.events.lastId(), type: 'resync', time: new Date(service.clock.now()).toISOString() });
      else for (const e of listener.replay) send(e);
      const stop = () => {
        clearInterval(quiet);
        listener.stop();
        open.delete(res);
      };
      res.on('close', stop);
      return reply;
    },
  });
}
