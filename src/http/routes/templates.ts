// A project's transcoding templates, template groups, watermark and video enhancement templates (SPEC 10.1):
// CreateTransTemplate, ListTemplate, UpdateTransTemplate, DeleteTemplate and the other families' operations, each
// bound to its operation in the document (which validates its parameters and body) and answered by the service:
// a table of operations for the one binder (operation-routes.ts).
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { CreateTransTemplateBody, ModifyTransTemplateBody } from '../../domain/templates/custom-templates.js';
import type { CreateTemplateGroupBody, ModifyTemplateGroupBody } from '../../domain/templates/template-groups.js';
import type { WatermarkTemplate } from '../../domain/templates/watermark-templates.js';
import type { QualityEnhanceTemplate, UpdateQualityEnhanceTemplateBody } from '../../domain/templates/quality-enhance-templates.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { registerOperationRoutes, type OperationTable, type Params } from '../operation-routes.js';

/** Each family's operations, answered by the service. */
function operations(service: MpcService): OperationTable {
  return {
    CreateTransTemplate: { body: true, answer: (p, b) => ({ status: 201, body: { template_id: service.createTransTemplate(p.project_id, b as CreateTransTemplateBody) } }) },
    ListTemplate: { body: false, answer: (p) => ({ status: 200, body: service.listTransTemplates(p.project_id, p as Params & { template_id?: number[]; page: number; size: number }) }) },
    UpdateTransTemplate: { body: true, answer: (p, b) => (service.updateTransTemplate(p.project_id, b as ModifyTransTemplateBody), { status: 204 }) },
    DeleteTemplate: { body: false, answer: (p) => (service.deleteTransTemplate(p.project_id, p.template_id as number), { status: 204 }) },
    CreateTemplateGroup: { body: true, answer: (p, b) => ({ status: 201, body: { template_group: service.createTemplateGroup(p.project_id, b as CreateTemplateGroupBody) } }) },
    ListTemplateGroup: {
      body: false,
      answer: (p) => ({ status: 200, body: service.listTemplateGroups(p.project_id, p as Params & { group_id?: string[]; group_name?: string[]; page: number; size: number }) }),
    },
    UpdateTemplateGroup: { body: true, answer: (p, b) => (service.updateTemplateGroup(p.project_id, b as ModifyTemplateGroupBody), { status: 204 }) },
    DeleteTemplateGroup: { body: false, answer: (p) => (service.deleteTemplateGroup(p.project_id, p.group_id as string), { status: 204 }) },
    CreateWatermarkTemplate: { body: true, answer: (p, b) => ({ status: 201, body: { template_id: service.createWatermarkTemplate(p.project_id, b as WatermarkTemplate) } }) },
    ListWatermarkTemplate: { body: false, answer: (p) => ({ status: 200, body: service.listWatermarkTemplates(p.project_id, p as Params & { template_id?: number[]; page: number; size: number }) }) },
    UpdateWatermarkTemplate: { body: true, answer: (p, b) => (service.updateWatermarkTemplate(p.project_id, b as WatermarkTemplate), { status: 204 }) },
    DeleteWatermarkTemplate: { body: false, answer: (p) => (service.deleteWatermarkTemplate(p.project_id, p.template_id as number), { status: 204 }) },
    CreateQualityEnhanceTemplate: {
      body: true,
      answer: (p, b) => ({ status: 201, body: { template_id: service.createQualityEnhanceTemplate(p.project_id, b as QualityEnhanceTemplate) } }),
    },
    UpdateQualityEnhanceTemplate: { body: true, answer: (p, b) => (service.updateQualityEnhanceTemplate(p.project_id, b as UpdateQualityEnhanceTemplateBody), { status: 204 }) },
    DeleteQualityEnhanceTemplate: { body: false, answer: (p) => (service.deleteQualityEnhanceTemplate(p.project_id, p.template_id as number), { status: 204 }) },
    ListQualityEnhanceDefaultTemplate: { body: false, answer: () => ({ status: 200, body: service.listQualityEnhanceDefaults() }) },
  };
}

export function registerTemplateRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  registerOperationRoutes(app, deps.contract, operations(deps.service));
}
