// Event notifications' configuration (SPEC 8): PUT and GET /v1/{project_id}/notification and the list of events,
// bound to their operations in the document, which validates their parameters and bodies.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { NOTIFICATION_EVENTS, type NotificationConfig } from '../../domain/notifications/notifications.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { bindBody } from '../request-body.js';
import { JSON_CONTENT_TYPE, vendorHandler } from '../vendor-envelope.js';

export function registerNotificationRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  const update = deps.contract.operation('UpdateNotification');
  const readUpdateParams = bindParameters<{ project_id: string }>(update);
  const readBody = bindBody<{ notifications: NotificationConfig[] }>(deps.contract, 'UpdateNotification');
  app.put(
    fastifyPath(update.path),
    vendorHandler((request, reply) => {
      const { project_id } = readUpdateParams(request.params as Record<string, string>, request.query as RawQuery);
      deps.service.updateNotification(project_id, readBody(request.body).notifications);
      reply.code(204).send();
    }),
  );

  const show = deps.contract.operation('ShowNotification');
  const readShowParams = bindParameters<{ project_id: string }>(show);
  app.get(
    fastifyPath(show.path),
    vendorHandler((request, reply) => {
      const { project_id } = readShowParams(request.params as Record<string, string>, request.query as RawQuery);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify({ notifications: deps.service.showNotification(project_id) }));
    }),
  );

  const events = deps.contract.operation('ListNotificationEvent');
  const readEventParams = bindParameters<{ project_id: string }>(events);
  app.get(
    fastifyPath(events.path),
    vendorHandler((request, reply) => {
      readEventParams(request.params as Record<string, string>, request.query as RawQuery);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify({ event_name: NOTIFICATION_EVENTS, total: NOTIFICATION_EVENTS.length }));
    }),
  );
}
