// What differs between the kinds when a task is created and when it finishes: the document a new task starts
// as, the cross-field rules of its create body, the input its outcome is decided by, and the outputs of a
// successful one. The state machine that drives every kind is one (src/domain/tasks/lifecycle.ts); it calls
// these per kind.
import { createHash } from 'node:crypto';
import type { components } from '../../contract/mpc-api.generated.js';
import type { Outcome } from './outcomes.js';
import type { TaskDocument, TaskKind, TaskKindName } from './task-kinds.js';
import { encryptedFiles, metaData, outputSize, renditionFileName, snapshotPictures, sourceInfo, transcodingOutputs, type MediaFile, type Rendition } from './task-outputs.js';
import { outputMedia, packOf, probeInput, type OutputSpec } from '../templates/transcoding-templates.js';
import { invalidParameter } from '../vendor-errors.js';
import { requestKey } from '../objects/hls-encryption.js';

type Schemas = components['schemas'];
type ObsObjInfo = Schemas['ObsObjInfo'];
export type CreateRequest =
  | Schemas['CreateTranscodingReq']
  | Schemas['CreateThumbReq']
  | Schemas['CreateAnimatedGraphicsTaskReq']
  | Schemas['CreateEncryptReq']
  | Schemas['CreateExtractTaskReq']
  | Schemas['CreateRemuxTaskReq']
  | Schemas['CreateMergeChannelsReq']
  | Schemas['CreateResetTracksReq']
  | Schemas['CreateEditingJobReq']
  | Schemas['CreateMediaProcessReq'];

/** Everything a created task needs to finish: decided once, at creation, and stored beside the task. */
export interface TaskPlan {
  outcome: Outcome;
  /** The create body as validated (unknown fields stripped, numeric strings turned into numbers). */
  request: CreateRequest;
  /** Transcoding: the outputs its templates or av_parameters ask for, in order. */
  outputs?: OutputSpec[];
  /**
   * With `--media ffmpeg`: what ffprobe read of each input (by `bucket/object`), while the task's success is
   * computed from it. Never stored: the task's document keeps the figures.
   */
  probed?: Record<string, MediaFile>;
}

/** An input's media: ffprobe's figures when the task was probed, else what the mock takes it to be. */
export const sourceMedia = (plan: Pick<TaskPlan, 'probed'>, input: ObsObjInfo): MediaFile => plan.probed?.[`${input.bucket}/${input.object}`] ?? probeInput(input);

interface KindDocuments {
  /** Cross-field rules of the create body that a schema cannot state. Throws MPC.10202. */
  check?(request: CreateRequest): void;
  /** The input a task's outcome rules are matched against (SPEC 4.3): its source, or its first one. */
  input(request: CreateRequest): ObsObjInfo | undefined;
  /** Every input the task reads, where it has several (a channel merge's files, an editing job's); default: `input`. */
  inputs?(request: CreateRequest): ObsObjInfo[];
  /** The create body a task's record stands for, to run it again (a remux retry); absent where no retry exists. */
  requestOf?(task: TaskDocument): CreateRequest;
  /** Whether this create is answered finished (a synchronous snapshot or extraction); default: queued. */
  synchronous?(request: CreateRequest): boolean;
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
const inputOf = (request: CreateRequest) => (request as { input?: ObsObjInfo }).input;

/** The extension of an object's file name (`mp4`), or the given default. */
function extensionOf(object: string, fallback: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(object.replace(/\/+$/, ''));
  return m ? m[1]!.toLowerCase() : fallback;
}

/** An output directory joined with a file name, as MPC writes the object of an output it names. */
/** An object's key: a folder (its trailing slashes dropped, none at all for the bucket's root) and a file name. */
export const joined = (dir: string, name: string) => (dir.replace(/\/+$/, '') ? `${dir.replace(/\/+$/, '')}/${name}` : name);

// Deviation: a file's MD5 is of its bytes; the mock has none and digests where the file is.
const md5Of = (place: string) => createHash('md5').update(place).digest('hex');

/** The media a file of `source`'s streams has in another container (a remux changes nothing else). */
const inContainer = (source: MediaFile, format: string): MediaFile => ({ ...source, format });

/** Seconds into a file of this duration for a clip bound: negative counts from the end (reference 6.1). */
function clipBound(text: string | undefined, duration: number, fallback: number): number {
  const n = text === undefined ? NaN : Number(text);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(duration, Math.max(0, n < 0 ? duration + n : n));
}

/** The seconds at which a snapshot task takes its pictures. */
export function snapshotSeconds(para: Schemas['ThumbnailPara'], duration: number): number[] {
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
  return { [kind.idParam]: kind.createdIdIsNumber ? Number(task.task_id) : task.task_id };
}

export type EditingReq = Schemas['CreateEditingJobReq'];
/** A span of one input an editing output is made of: from `start` to `end` seconds, or the whole file. */
export interface EditPart {
  input: ObsObjInfo;
  start?: number;
  end?: number;
}
/** One input of a mix, in its pane (shares of the output, from the bottom-left corner); `audio` when it is heard. */
export interface MixPane {
  input: ObsObjInfo;
  pane: { x: number; y: number; width: number; height: number };
  audio: boolean;
}
export interface EditOutput {
  output: ObsObjInfo;
  fileName: string;
  media: MediaFile;
  /** What the output is made of: its parts one after the other, or (a mix) its inputs side by side. */
  parts: EditPart[];
  mix?: MixPane[];
  /** The HLS segment length, for an HLS output. */
  hlsInterval?: number;
}

/**
 * The files an editing job writes, each with its media and what it is made of (reference 6.1): one per concats
 * entry, per edit setting, per clip, or one. Its inputs' lengths are ffprobe's when the plan was probed.
 */
export function editingOutputs(r: EditingReq, taskId: string, plan: Pick<TaskPlan, 'probed'> = {}): EditOutput[] {
  const setting = r.output_setting;
  const format = (setting?.format ?? 'MP4').toUpperCase();
  const extension = format === 'HLS' ? 'm3u8' : format.toLowerCase();
  const hls = format === 'HLS' ? { hlsInterval: setting?.hls?.interval ?? 5 } : {};
  const probe = (input: ObsObjInfo) => sourceMedia(plan, input);
  /** The video of an output made of these inputs: the template's when CUSTOM, else the largest (MAX) or smallest input. */
  const shaped = (inputs: readonly ObsObjInfo[], duration: number): MediaFile => {
    const sources = inputs.map(probe);
    const pick = setting?.video?.reference === 'MIN' ? sources.reduce((a, b) => ((a.video?.width ?? 0) <= (b.video?.width ?? 0) ? a : b)) : sources.reduce((a, b) => ((a.video?.width ?? 0) >= (b.video?.width ?? 0) ? a : b));
    const v = setting?.video;
    const custom = v?.reference === 'CUSTOM';
    const width = custom && v.width ? v.width : (pick.video?.width ?? 1280);
    const height = custom && v.height ? v.height : (pick.video?.height ?? 720);
    const videoBitrate = v?.bitrate ? Math.round(v.bitrate / 1000) : (pick.video?.bitrate ?? Math.round((width * height) / 400));
    const a = setting?.audio;
    const audio = [{ codec: a?.codec ?? pick.audio[0]?.codec ?? 'AAC', sample: a?.sample ?? pick.audio[0]?.sample ?? 44100, channels: a?.channels ? Number(a.channels) : (pick.audio[0]?.channels ?? 2), bitrate: a?.bitrate ? Math.round(a.bitrate / 1000) : (pick.audio[0]?.bitrate ?? 128) }];
    return {
      duration,
      format,
      size: outputSize(duration, videoBitrate, audio),
      video: { width, height, codec: v?.codec ?? pick.video?.codec ?? 'H264', frameRate: v?.frame_rate || (pick.video?.frameRate ?? 25), bitrate: videoBitrate },
      audio,
    };
  };
  const total = (inputs: readonly ObsObjInfo[]) => inputs.reduce((sum, i) => sum + probe(i).duration, 0);
  const whole = (inputs: readonly ObsObjInfo[]): EditPart[] => inputs.map((input) => ({ input }));
  /** A cut of an input: its bounds (negative counts from the end), at least a second. */
  const cut = (input: ObsObjInfo, from: string | undefined, to: string | undefined): EditPart & { start: number; end: number } => {
    const d = probe(input).duration;
    const start = clipBound(from, d, 0);
    return { input, start, end: Math.max(start + 1, clipBound(to, d, d)) };
  };
  const named = (output: ObsObjInfo, stem: string): { output: ObsObjInfo; fileName: string } => {
    const fileName = output.file_name ?? `${stem}.${extension}`;
    return { output: { ...output, object: joined(output.object, fileName), file_name: fileName }, fileName };
  };
  const types = r.edit_type ?? [];
  if (types.length === 0) {
    return (r.edit_settings ?? []).map((e, i) => {
      const main = cut(r.input!, e.timeline_start, e.timeline_end);
      const duration = main.end - main.start + total(e.heads ?? []) + total(e.tails ?? []);
      return { ...named(e.output, `${stemOf(r.input!.object)}_edit_${i + 1}`), media: shaped([r.input!], duration), parts: [...whole(e.heads ?? []), main, ...whole(e.tails ?? [])], ...hls };
    });
  }
  if (types.includes('CONCATS')) {
    return (r.concats ?? []).map((c, i) => ({ ...named(c.output, `${stemOf(c.inputs[0]!.object)}_concat_${i + 1}`), media: shaped(c.inputs, total(c.inputs)), parts: whole(c.inputs), ...hls }));
  }
  const out = setting!.output!;
  // (check() has made sure every clip names its input.)
  const clips = (r.clips ?? []).map((c) => cut(c.input!, c.timeline_start, c.timeline_end));
  if (types.includes('MIX')) {
    const inputs = r.mix?.inputs ?? [];
    const panes = new Map((r.mix?.layout?.panes ?? []).map((p) => [p.pane_id, p]));
    const share = (text: string | undefined, fallback: number) => {
      const n = Number(text);
      return Number.isFinite(n) && n >= 0 && n <= 1 ? n : fallback;
    };
    const mix = inputs.map((m) => {
      // An input whose pane the layout does not name fills the frame.
      const p = panes.get(m.pane_id);
      return { input: m.input, pane: { x: share(p?.x, 0), y: share(p?.y, 0), width: share(p?.width, 1), height: share(p?.height, 1) }, audio: m.audio_policy === 'RESERVE' };
    });
    const sources = inputs.map((i) => i.input);
    return [{ ...named(out, `${stemOf(sources[0]!.object)}_mix`), media: shaped(sources, Math.max(...sources.map((i) => probe(i).duration))), parts: [], mix, ...hls }];
  }
  if (types.includes('CONCAT')) {
    const inputs = r.concat?.inputs ?? [];
    const duration = clips.reduce((sum, c) => sum + c.end - c.start, 0) + total(inputs);
    const first = clips[0]?.input ?? inputs[0]!;
    return [{ ...named(out, `${stemOf(first.object)}_${taskId}`), media: shaped([...clips.map((c) => c.input), ...inputs], duration), parts: [...clips, ...whole(inputs)], ...hls }];
  }
  return clips.map((c, i) => ({ ...named(out, `${stemOf(c.input.object)}_clip_${i + 1}`), media: shaped([c.input], c.end - c.start), parts: [c], ...hls }));
}

/** The first file an editing job reads: what its outcome rules look at. */
export function editingInput(r: EditingReq): ObsObjInfo | undefined {
  return r.clips?.[0]?.input ?? r.concat?.inputs?.[0] ?? r.concats?.[0]?.inputs?.[0] ?? r.mix?.inputs?.[0]?.input ?? r.input;
}

/** Every input an editing job names: its clips', concatenations', mix's, its own, and its edit settings' heads and tails. */
export function editingInputs(r: EditingReq): ObsObjInfo[] {
  return [
    ...(r.clips ?? []).map((c) => c.input),
    ...(r.concat?.inputs ?? []),
    ...(r.concats ?? []).flatMap((c) => c.inputs ?? []),
    ...(r.mix?.inputs ?? []).map((m) => m.input),
    r.input,
    ...(r.edit_settings ?? []).flatMap((e) => [...(e.heads ?? []), ...(e.tails ?? [])]),
  ].filter(
    (i): i is ObsObjInfo => i !== undefined,
  );
}

/** A task's inputs, each once. */
export function inputsOf(kind: TaskKindName, request: CreateRequest): ObsObjInfo[] {
  const documents = KIND_DOCUMENTS[kind];
  const all = documents.inputs?.(request) ?? [documents.input(request)].filter((i): i is ObsObjInfo => i !== undefined);
  const seen = new Set<string>();
  return all.filter((i) => {
    const key = `${i.bucket}\u0000${i.object}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const EDIT_SECTIONS = { CLIP: 'clips', CONCAT: 'concat', CONCATS: 'concats', MIX: 'mix' } as const;

/** Remux's output parameters as the service keeps them: a segment length outside [2,10] becomes 5 (reference 3.1). */
function remuxParam(p: Schemas['RemuxOutputParam'] | undefined): Schemas['RemuxOutputParam'] {
  const format = p?.format ?? 'MP4';
  const param: Schemas['RemuxOutputParam'] = { ...p, format };
  if (format === 'HLS') param.segment_duration = p?.segment_duration !== undefined && p.segment_duration >= 2 && p.segment_duration <= 10 ? p.segment_duration : 5;
  return param;
}

/**
 * How many of a task's outputs (templates, an editing job's files) fail in a partial success: the last ones, never
 * all of them, so that the first succeeds and a task with one output succeeds whole.
 */
function failingOutputs(plan: TaskPlan, outputs: number): number {
  return plan.outcome.outcome === 'partial' ? Math.max(0, Math.min(plan.outcome.failed_templates ?? 1, outputs - 1)) : 0;
}

/** The error of an output that failed in a partial success: the rule's, else a resolution the source cannot give. */
function partialError(plan: TaskPlan): { error_code: string; error_msg: string } {
  return {
    error_code: plan.outcome.error_code ?? 'mWorker.Template.Video.Resolution',
    error_msg: plan.outcome.description ?? 'The output resolution is larger than the source resolution.',
  };
}

export const KIND_DOCUMENTS: Record<TaskKindName, KindDocuments> = {
  transcoding: {
    input: inputOf,
    check(request) {
      requestKey((request as Schemas['CreateTranscodingReq']).encryption);
    },
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
      const source = sourceMedia(plan, r.input);
      const stem = stemOf(r.input.object);
      const specs = plan.outputs!;
      const failing = failingOutputs(plan, specs.length);
      const renditions: Rendition[] = specs.map((spec, i) => {
        const templateId = spec.templateId ?? 0;
        if (i >= specs.length - failing) return { templateId, error: partialError(plan) };
        const media = outputMedia(spec, source);
        return { templateId, fileName: spec.fileName ?? renditionFileName(stem, i, media, packOf(spec).extension), media };
      });
      return { progress: 100, ...transcodingOutputs(source, renditions) };
    },
  },

  snapshot: {
    input: inputOf,
    // SPEC 4.4: a synchronous snapshot is taken before the answer; the task is final when it is listed.
    synchronous: (request) => (request as Schemas['CreateThumbReq']).sync === 1,
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
      const pictures = snapshotPictures(snapshotSeconds(r.thumbnail_para, sourceMedia(plan, r.input).duration));
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
    input: inputOf,
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
    input: inputOf,
    check(request) {
      requestKey((request as Schemas['CreateEncryptReq']).encryption);
    },
    initial(request) {
      const r = request as Schemas['CreateEncryptReq'];
      return { input: r.input, output: r.output, ...echo(r) };
    },
    succeeded: (_task, plan) => ({ output_file_name: encryptedFiles((plan.request as Schemas['CreateEncryptReq']).input.object) }),
  },

  extract: {
    input: inputOf,
    // SPEC 9.1: `sync: 1` is parsed while the request waits, and answered with its metadata.
    synchronous: (request) => (request as Schemas['CreateExtractTaskReq']).sync === 1,
    initial(request) {
      const r = request as Schemas['CreateExtractTaskReq'];
      // The metadata file is named by output.file_name, else after the input (the docs' example: video_001.txt).
      const output = r.output ? { ...r.output, file_name: r.output.file_name ?? `${stemOf(r.input!.object)}.txt` } : undefined;
      return { input: r.input, ...(output ? { output } : {}), ...echo(r) };
    },
    succeeded(_task, plan) {
      const input = (plan.request as Schemas['CreateExtractTaskReq']).input!;
      return { description: 'The task has completed.', metadata: metaData(sourceMedia(plan, input), md5Of(`${input.bucket}/${input.object}`)) };
    },
    createResponse(task) {
      const body: Record<string, unknown> = { task_id: task.task_id, status: task.status, create_time: task.create_time };
      const output = task.output as ObsObjInfo | undefined;
      if (output) body.output = output;
      if (output?.file_name) body.output_file_name = output.file_name;
      if (typeof task.description === 'string') body.description = task.description;
      if (task.metadata !== undefined) body.metadata = task.metadata;
      return body;
    },
  },

  remux: {
    input: inputOf,
    requestOf: (task) =>
      ({
        input: task.input,
        output: task.output,
        ...(task.output_param !== undefined ? { output_param: task.output_param } : {}),
        ...(typeof task.user_data === 'string' ? { user_data: task.user_data } : {}),
      }) as Schemas['CreateRemuxTaskReq'],
    initial(request) {
      const r = request as Schemas['CreateRemuxTaskReq'];
      const param = remuxParam(r.output_param);
      const fileName = r.output!.file_name ?? `${stemOf(r.input!.object)}.${param.format === 'HLS' ? 'm3u8' : 'mp4'}`;
      return { input: r.input, output: { ...r.output!, file_name: fileName }, ...echo(r), output_param: param, complete_ratio: 0 };
    },
    succeeded(task, plan) {
      const r = plan.request as Schemas['CreateRemuxTaskReq'];
      const output = task.output as ObsObjInfo;
      const format = (task.output_param as Schemas['RemuxOutputParam']).format === 'HLS' ? 'hls' : 'mp4';
      const media = inContainer(sourceMedia(plan, r.input!), format);
      return {
        complete_ratio: 100,
        description: 'The task has completed.',
        output_metadata: metaData(media, md5Of(`${output.bucket}/${joined(output.object, output.file_name ?? '')}`)),
      };
    },
  },

  merge_channels: {
    input: (request) => (request as Schemas['CreateMergeChannelsReq']).multi_audio.audio_files[0]?.input,
    inputs: (request) => (request as Schemas['CreateMergeChannelsReq']).multi_audio.audio_files.map((f) => f.input),
    initial(request) {
      const m = (request as Schemas['CreateMergeChannelsReq']).multi_audio;
      const first = m.audio_files[0]!.input;
      return { output: m.output, audio_files: m.audio_files, output_filename: m.output_filename ?? `${stemOf(first.object)}_merged.${extensionOf(first.object, 'wav')}` };
    },
    succeeded: () => ({}),
  },

  reset_tracks: {
    input: (request) => (request as Schemas['CreateResetTracksReq']).audio_file.input,
    initial(request) {
      const a = (request as Schemas['CreateResetTracksReq']).audio_file;
      return {
        output: a.output,
        output_filename: a.output_filename ?? `${stemOf(a.input.object)}.${extensionOf(a.input.object, 'mp4')}`,
        ...(a.tracks_info ? { tracks_info: a.tracks_info } : {}),
        input: a.input,
      };
    },
    succeeded: () => ({}),
  },

  editing: {
    input: (request) => editingInput(request as EditingReq),
    inputs: (request) => editingInputs(request as EditingReq),
    check(request) {
      const r = request as EditingReq;
      const types = r.edit_type ?? [];
      if (r.concat && r.concats) throw invalidParameter('concat and concats exclude each other');
      if (types.length === 0) {
        // The SDK: edit_settings applies only when edit_type is empty, and processes `input`.
        if (!r.edit_settings?.length) throw invalidParameter('edit_settings is required when edit_type is empty');
        if (!r.input) throw invalidParameter('input is required with edit_settings');
        return;
      }
      for (const type of types) {
        const section = EDIT_SECTIONS[type];
        const given = r[section];
        if (given === undefined || (Array.isArray(given) && given.length === 0)) throw invalidParameter(`${section} is required when edit_type has ${type}`);
      }
      r.clips?.forEach((c, i) => {
        if (!c.input) throw invalidParameter(`clips.${i}.input is required`);
      });
      if (types.includes('MIX') && !r.mix!.inputs?.length) throw invalidParameter('mix.inputs must name at least one input');
      if (types.includes('CONCAT') && !r.concat!.inputs?.length && !r.clips?.length) throw invalidParameter('concat.inputs must name at least one input');
      if (!types.includes('CONCATS') && !r.output_setting?.output) throw invalidParameter(`output_setting.output is required when edit_type has ${types.join(', ')}`);
    },
    initial(request, _plan, taskId) {
      const r = request as EditingReq;
      // The job carries both ids (reference 6.2); the mock gives them one value.
      const first = editingOutputs(r, taskId)[0];
      return { job_id: taskId, edit_type: r.edit_type ?? [], ...(first ? { output: r.output_setting?.output ?? first.output } : {}), edit_task_req: r, ...echo(r) };
    },
    succeeded(task, plan) {
      const outputs = editingOutputs(plan.request as EditingReq, task.task_id, plan);
      const failing = failingOutputs(plan, outputs.length);
      return {
        description: 'The task has completed.',
        output_file_info: outputs.map((o, i) => {
          if (i < outputs.length - failing) return { output_file_name: o.fileName, exec_description: 'The job has completed.', meta_data: sourceInfo(o.media) };
          // Deviation: what the real service writes for an output that failed is not documented; the mock names
          // the file it did not write, gives the error as exec_description and no meta_data.
          const error = partialError(plan);
          return { output_file_name: o.fileName, exec_description: `${error.error_code}: ${error.error_msg}` };
        }),
      };
    },
  },

  media_process: {
    input: inputOf,
    initial(request) {
      const r = request as Schemas['CreateMediaProcessReq'];
      return { input: r.input, output: r.output };
    },
    succeeded(_task, plan) {
      const input = (plan.request as Schemas['CreateMediaProcessReq']).input;
      return { output_file_name: [`${stemOf(input.object)}.${extensionOf(input.object, 'mp4')}`] };
    },
  },
};
