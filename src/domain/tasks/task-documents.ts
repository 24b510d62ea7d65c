// What differs between the kinds when a task is created and when it finishes: the document a new task starts
// as, the cross-field rules of its create body, and the outputs of a successful one. The state machine that
// drives all four is one (src/domain/tasks/lifecycle.ts); it calls these per kind.
import { createHash } from 'node:crypto';
import type { components } from '../../contract/mpc-api.generated.js';
import type { Outcome } from './outcomes.js';
import type { TaskDocument, TaskKind, TaskKindName } from './task-kinds.js';
import { encryptedFiles, renditionFileName, snapshotPictures, transcodingOutputs, type Rendition } from './task-outputs.js';
import { outputMedia, packOf, probeInput, type OutputSpec } from '../templates/transcoding-templates.js';
import { invalidParameter } from '../vendor-errors.js';

type Schemas = components['schemas'];
type ObsObjInfo = Schemas['ObsObjInfo'];
export type CreateRequest =
  | Schemas['CreateTranscodingReq']
  | Schemas['CreateThumbReq']
  | Schemas['CreateAnimatedGraphicsTaskReq']
  | Schemas['CreateEncryptReq'];

/** Everything a created task needs to finish: decided once, at creation, and stored beside the task. */
export interface TaskPlan {
  outcome: Outcome;
  /** The create body as validated (unknown fields stripped, numeric strings turned into numbers). */
  request: CreateRequest;
  /** Transcoding: the outputs its templates or av_parameters ask for, in order. */
  outputs?: OutputSpec[];
}

interface KindDocuments {
  /** Cross-field rules of the create body that a schema cannot state. Throws MPC.10202. */
  check?(request: CreateRequest): void;
  /** The fields a new task shows from the start, beside task_id, status and create_time. */
  initial(request: CreateRequest, plan: TaskPlan, taskId: string): Record<string, unknown>;
  /** The fields a task gains on success. */
  succeeded(task: TaskDocument, plan: TaskPlan): Record<string, unknown>;
  /** The create response, when it says more than the task id (the snapshot's CreateThumbnailsTaskResponse). */
  createResponse?(task: TaskDocument, request: CreateRequest): Record<string, unknown>;
}

/** The input's file name without its directory and extension: what MPC names outputs after. */
export function stemOf(object: string): string {
  const name = object.replace(/\/+$/, '').split('/').pop() ?? '';
  return name.replace(/\.[^.]*$/, '') || 'output';
}

const echo = (request: { user_data?: string }) => (request.user_data !== undefined ? { user_data: request.user_data } : {});

/** The seconds at which a snapshot task takes its pictures. */
function snapshotSeconds(para: Schemas['ThumbnailPara'], duration: number): number[] {
  // Deviation: the real service knows the video's length and has no picture past its end; the mock does not
  // know it (probeInput), so it takes every time point it is given.
  if (para.type === 'DOTS') return [...(para.dots ?? [])];
  if (para.type === 'DOTS_MS') return (para.dots_ms ?? []).map((ms) => Math.floor(ms / 1000));
  const interval = para.time ?? 12;
  const start = para.start_time ?? 0;
  const end = Math.min(duration, para.duration !== undefined ? start + para.duration : duration);
  const seconds: number[] = [];
  for (let t = start; t < end && seconds.length < 1000; t += interval) seconds.push(t);
  return seconds;
}

/**
 * Where a snapshot task writes: with `original_dir` 0 (the default) MPC appends a sub-directory of its own to
 * the output path.
 * Deviation: the real sub-directory is random; the mock derives it from the task id, so it is stable and unique.
 */
function snapshotOutput(request: Schemas['CreateThumbReq'], taskId: string): ObsObjInfo {
  if (request.original_dir === 1) return request.output;
  const sub = createHash('sha256').update(`thumbnails/${taskId}`).digest('hex').slice(0, 16);
  const dir = request.output.object.replace(/\/+$/, '');
  return { ...request.output, object: dir ? `${dir}/${sub}` : sub };
}

/** The vendor's create response: `{task_id}`, a number for transcoding and a string for the others (SPEC 4.1). */
export function createResponse(kind: TaskKind, task: TaskDocument, request: CreateRequest): Record<string, unknown> {
  const fuller = KIND_DOCUMENTS[kind.name].createResponse;
  if (fuller) return fuller(task, request);
  return { task_id: kind.createdIdIsNumber ? Number(task.task_id) : task.task_id };
}

export const KIND_DOCUMENTS: Record<TaskKindName, KindDocuments> = {
  transcoding: {
    initial(request, plan) {
      const r = request as Schemas['CreateTranscodingReq'];
      const ids = plan.outputs!.flatMap((o) => (o.templateId !== undefined ? [o.templateId] : []));
      return {
        progress: 0,
        ...(ids.length ? { trans_template_id: ids } : {}),
        input: r.input,
        output: r.output,
        ...echo(r),
        ...(r.av_parameters?.length ? { av_parameters: r.av_parameters } : {}),
      };
    },
    succeeded(_task, plan) {
      const r = plan.request as Schemas['CreateTranscodingReq'];
      const source = probeInput(r.input);
      const stem = stemOf(r.input.object);
      const specs = plan.outputs!;
      // Some templates fail, not all: at least the first succeeds (a one-template task succeeds whole).
      const failing = plan.outcome.outcome === 'partial' ? Math.min(plan.outcome.failed_templates ?? 1, specs.length - 1) : 0;
      const renditions: Rendition[] = specs.map((spec, i) => {
        const templateId = spec.templateId ?? 0;
        if (i >= specs.length - failing) {
          return {
            templateId,
            error: {
              error_code: plan.outcome.error_code ?? 'mWorker.Template.Video.Resolution',
              error_msg: plan.outcome.description ?? 'The output resolution is larger than the source resolution.',
            },
          };
        }
        const media = outputMedia(spec, source);
        return { templateId, fileName: spec.fileName ?? renditionFileName(stem, i, media, packOf(spec).extension), media };
      });
      return { progress: 100, ...transcodingOutputs(source, renditions) };
    },
  },

  snapshot: {
    check(request) {
      const r = request as Schemas['CreateThumbReq'];
      const para = r.thumbnail_para;
      if (para.type === 'DOTS' && !para.dots?.length) throw invalidParameter('thumbnail_para.dots is required when type is DOTS');
      if (para.type === 'DOTS_MS' && !para.dots_ms?.length) throw invalidParameter('thumbnail_para.dots_ms is required when type is DOTS_MS');
      if (r.sync === 1) {
        const points = para.type === 'DOTS' ? para.dots : para.type === 'DOTS_MS' ? para.dots_ms : undefined;
        if (points?.length !== 1) throw invalidParameter('a synchronous snapshot (sync 1) takes thumbnail_para.type DOTS or DOTS_MS with one time point');
      }
    },
    initial(request, _plan, taskId) {
      const r = request as Schemas['CreateThumbReq'];
      return { input: r.input, output: snapshotOutput(r, taskId), ...echo(r) };
    },
    succeeded(task, plan) {
      const r = plan.request as Schemas['CreateThumbReq'];
      const pictures = snapshotPictures(snapshotSeconds(r.thumbnail_para, probeInput(r.input).duration));
      const fields: Record<string, unknown> = { thumbnail_info: pictures };
      // One file to name: the picture of a synchronous snapshot, or the tar that packs them all (tar 0).
      if (r.sync === 1 && pictures[0]) fields.output_file_name = pictures[0].pic_name;
      else if (r.tar === 0) fields.output_file_name = `${r.thumbnail_para.output_filename ?? stemOf(r.input.object)}.tar`;
      void task;
      return fields;
    },
    createResponse(task, request) {
      const r = request as Schemas['CreateThumbReq'];
      const body: Record<string, unknown> = { task_id: task.task_id, status: task.status, create_time: task.create_time, output: task.output };
      if (typeof task.output_file_name === 'string') body.output_file_name = task.output_file_name;
      // The time point of a synchronous snapshot, as it was asked for: seconds for DOTS, ms for DOTS_MS.
      if (r.sync === 1 && task.status === 'SUCCEEDED') {
        const para = r.thumbnail_para;
        body.thumbnail_time = String((para.type === 'DOTS_MS' ? para.dots_ms : para.dots)![0]);
      }
      if (typeof task.description === 'string') body.description = task.description;
      return body;
    },
  },

  animated_gif: {
    check(request) {
      const p = (request as Schemas['CreateAnimatedGraphicsTaskReq']).output_param;
      if (p.end <= p.start) throw invalidParameter('output_param.end must be later than output_param.start');
      if (p.end - p.start > 60_000) throw invalidParameter('output_param.end must be at most 60000 ms after output_param.start');
    },
    initial(request) {
      const r = request as Schemas['CreateAnimatedGraphicsTaskReq'];
      const output = { ...r.output, file_name: r.output.file_name ?? `${stemOf(r.input.object)}.gif` };
      return { input: r.input, output, output_param: r.output_param, ...echo(r) };
    },
    succeeded: () => ({ description: 'The task has completed.' }),
  },

  encryption: {
    initial(request) {
      const r = request as Schemas['CreateEncryptReq'];
      return { input: r.input, output: r.output, ...echo(r) };
    },
    succeeded: (_task, plan) => ({ output_file_name: encryptedFiles((plan.request as Schemas['CreateEncryptReq']).input.object) }),
  },
};
