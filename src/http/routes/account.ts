// The account and storage operations (SPEC 9.3): ListAllBuckets, ListAllObsObjList, UpdateBucketAuthorized,
// CreateAgenciesTask, ShowAgenciesTask, ShowTenantAccessInfo and UpdateTenantAccessInfo, per project; and the two
// callbacks of the vendor's own workers (CreateMbTasksReport, CreateMpeCallBack), which have no project in their
// path: validated by the document, journaled as every vendor request is, and answered 204.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { AgencyState, TenantAccess } from '../../domain/account/account.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { registerOperationRoutes, type OperationTable, type Params } from '../operation-routes.js';

function operations(service: MpcService): OperationTable {
  return {
    ListAllBuckets: { body: false, answer: async (p) => ({ status: 200, body: await service.listBuckets(p.project_id) }) },
    ListAllObsObjList: { body: false, answer: async (p) => ({ status: 200, body: await service.listObjects(p.project_id, p as Params & { bucket: string; prefix?: string }) }) },
    UpdateBucketAuthorized: {
      body: true,
      answer: async (p, b) => (await service.authorizeBucket(p.project_id, b as { bucket: string; operation: string | number }), { status: 204 }),
    },
    CreateAgenciesTask: { body: true, answer: (p, b) => (service.setAgency(p.project_id, b as { operate_type: AgencyState }), { status: 204 }) },
    ShowAgenciesTask: { body: false, answer: (p) => ({ status: 200, body: service.agencyState(p.project_id) }) },
    ShowTenantAccessInfo: { body: false, answer: (p) => ({ status: 200, body: service.tenantAccess(p.project_id) }) },
    // Deviation: the vendor documents "200 OK No Content"; the mock's 200 answers carry a body, here `{}`.
    UpdateTenantAccessInfo: { body: true, answer: (p, b) => (service.setTenantAccess(p.project_id, b as Partial<TenantAccess>), { status: 200, body: {} }) },
    // Deviation: a worker's report changes no task; the mock's own lifecycle moves its tasks (SPEC 4.3).
    CreateMbTasksReport: { body: true, answer: () => ({ status: 204 }) },
    CreateMpeCallBack: { body: true, answer: () => ({ status: 204 }) },
  };
}

export function registerAccountRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  registerOperationRoutes(app, deps.contract, operations(deps.service));
}
