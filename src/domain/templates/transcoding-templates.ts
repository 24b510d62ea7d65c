// Transcoding templates (SPEC 4.5): what each output of a transcoding task looks like. The mock ships a small
// catalogue of presets (fixtures/presets/transcoding-templates.json) that fixture files can extend; a task
// names up to 9 of them, or gives `av_parameters` instead, and its outputs follow them.
import { createHash } from 'node:crypto';
import type { components } from '../../contract/mpc-api.generated.js';
import { invalidParameter } from '../vendor-errors.js';
import { outputSize, type AudioStream, type MediaFile } from '../tasks/task-outputs.js';

// The catalogue's entry (CatalogueTemplate in the document); the vendor's TransTemplate is CreateTransTemplate's body.
export type TransTemplate = components['schemas']['CatalogueTemplate'];
type AvParameters = components['schemas']['AvParameters'];
type ObsObjInfo = components['schemas']['ObsObjInfo'];

/** One output a task asked for: a template (or av_parameters entry), where it goes and what it is called. */
export interface OutputSpec {
  /** Absent for av_parameters outputs, which name no template. */
  templateId?: number;
  video?: AvParameters['video'];
  audio?: AvParameters['audio'];
  common: AvParameters['common'];
  output?: ObsObjInfo;
  fileName?: string;
}

export interface TemplateLookup {
  /** The template a project sees under this id: its own first, then the shared ones. */
  template(projectId: string, templateId: number): TransTemplate | undefined;
}

// Deviation: the real service refuses a template id it does not know (MPC.10239); the mock accepts it with
// these plausible defaults unless started with --strict-templates, so tests need not mirror a tenant's templates.
const DEFAULT_TEMPLATE: Omit<TransTemplate, 'template_id'> = {
  common: { pack_type: 1, hls_interval: 5 },
  video: { codec: 1, width: 1280, height: 720, bitrate: 1800, frame_rate: 25 },
  audio: { codec: 1, sample_rate: 5, bitrate: 128, channels: 2 },
};

export interface TranscodingRequest {
  trans_template_id?: number[];
  trans_template_list?: Array<{ template_id: number; output?: ObsObjInfo; output_filename?: string }>;
  av_parameters?: AvParameters[];
  output_filenames?: string[];
}

/**
 * The outputs a transcoding request asks for, in order: `av_parameters` wins when given (as the vendor says),
 * else `trans_template_list`, else `trans_template_id`. Throws MPC.10202 for a request with none, more than
 * 9, `output_filenames` that do not line up with them, or (strict) a template the project does not have.
 */
export function resolveOutputs(request: TranscodingRequest, projectId: string, templates: TemplateLookup, strict: boolean): OutputSpec[] {
  const names = request.output_filenames;
  let specs: OutputSpec[];
  if (request.av_parameters?.length) {
    specs = request.av_parameters.map((p) => ({
      ...(p.video ? { video: p.video } : {}),
      ...(p.audio ? { audio: p.audio } : {}),
      common: p.common,
      ...(p.output ? { output: p.output } : {}),
      ...(p.output_filename ? { fileName: p.output_filename } : {}),
    }));
  } else {
    const entries = request.trans_template_list?.length
      ? request.trans_template_list
      : (request.trans_template_id ?? []).map((template_id) => ({ template_id }) as { template_id: number; output?: ObsObjInfo; output_filename?: string });
    if (entries.length === 0) throw invalidParameter('trans_template_id is required unless av_parameters is given');
    if (entries.length > 9) throw invalidParameter('a task takes at most 9 templates');
    specs = entries.map((entry) => {
      const found = templates.template(projectId, entry.template_id);
      if (!found && strict) throw invalidParameter(`trans_template_id ${entry.template_id} is not a known template`);
      const t = found ?? { template_id: entry.template_id, ...DEFAULT_TEMPLATE };
      return {
        templateId: entry.template_id,
        ...(t.video ? { video: t.video } : {}),
        ...(t.audio ? { audio: t.audio } : {}),
        common: t.common,
        ...(entry.output ? { output: entry.output } : {}),
        ...(entry.output_filename ? { fileName: entry.output_filename } : {}),
      };
    });
  }
  if (names !== undefined) {
    if (names.length !== specs.length) {
      throw invalidParameter(`output_filenames must name one file per template (${specs.length}), in the same order`);
    }
    specs = specs.map((s, i) => ({ ...s, fileName: names[i]! }));
  }
  return specs;
}

/** JSON with its keys sorted, so that two settings compare equal whatever order their fields came in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/**
 * Strict mode (SPEC 10.2): the templates of one task differ only in bitrate, width and height, as the real service
 * documents (one input, several renditions of one kind). A stream's name goes with its size.
 * Deviation: checked between a project's own templates only. The mock's presets are a ladder whose rungs differ in
 * audio and profile too (as the vendor's system templates, not public, may), and the documented create example
 * names two of them.
 */
export function checkOnlySizesDiffer(specs: readonly OutputSpec[]): void {
  const settings = (s: OutputSpec) => {
    const { width: _w, height: _h, bitrate: _b, stream_name: _n, ...video } = (s.video ?? {}) as Record<string, unknown>;
    return canonical({ video, audio: s.audio ?? null, common: s.common });
  };
  const first = specs[0];
  if (!first) return;
  const expected = settings(first);
  for (const s of specs.slice(1)) {
    if (settings(s) !== expected) {
      throw invalidParameter(`the templates of one task may differ only in bitrate, width and height: template ${s.templateId} differs from template ${first.templateId} in more`);
    }
  }
}

// The vendor's code lists (shared/reference/mpc-api.md §13).
const PACKS: Record<number, { format: string; extension: string; video: boolean }> = {
  1: { format: 'HLS', extension: 'm3u8', video: true },
  2: { format: 'DASH', extension: 'mpd', video: true },
  3: { format: 'HLS_DASH', extension: 'm3u8', video: true },
  4: { format: 'MP4', extension: 'mp4', video: true },
  5: { format: 'MP3', extension: 'mp3', video: false },
  6: { format: 'ADTS', extension: 'aac', video: false },
};
const VIDEO_CODECS: Record<number, string> = { 1: 'H264', 2: 'H265' };
const AUDIO_CODECS: Record<number, string> = { 1: 'AAC', 2: 'HEAAC1', 3: 'HEAAC2', 4: 'MP3' };
const SAMPLE_RATES: Record<number, number | undefined> = { 1: undefined, 2: 22050, 3: 32000, 4: 44100, 5: 48000, 6: 96000 };

export function packOf(spec: OutputSpec): { format: string; extension: string; video: boolean } {
  return PACKS[spec.common.pack_type] ?? PACKS[1]!;
}

/**
 * The media of one output, from its template and the source: the template's resolution (0 keeps the source's,
 * one side 0 keeps its aspect), codecs, frame rate and bitrates (0 lets the bitrate follow the picture size), the
 * source's duration; audio-only packs carry no video.
 */
export function outputMedia(spec: OutputSpec, source: MediaFile): MediaFile {
  const pack = packOf(spec);
  const srcAudio = source.audio[0];
  const a = spec.audio;
  const audio: AudioStream[] =
    a?.output_policy === 'discard'
      ? []
      : [
          {
            codec: AUDIO_CODECS[a?.codec ?? 1] ?? 'AAC',
            sample: SAMPLE_RATES[a?.sample_rate ?? 1] ?? srcAudio?.sample ?? 44100,
            channels: a?.channels ?? srcAudio?.channels ?? 2,
            bitrate: a?.bitrate || 128,
          },
        ];
  const v = spec.video;
  const src = source.video;
  if (!pack.video || !src || v?.output_policy === 'discard') {
    return { duration: source.duration, format: pack.format, size: outputSize(source.duration, 0, audio), audio };
  }
  let width = v?.width ?? 0;
  let height = v?.height ?? 0;
  if (width === 0 && height === 0) [width, height] = [src.width, src.height];
  else if (width === 0) width = 2 * Math.round((height * src.width) / src.height / 2);
  else if (height === 0) height = 2 * Math.round((width * src.height) / src.width / 2);
  const bitrate = v?.bitrate || Math.round((width * height) / 1000);
  const frameRate = v?.frame_rate || src.frameRate;
  return {
    duration: source.duration,
    format: pack.format,
    size: outputSize(source.duration, bitrate, audio),
    video: { width, height, codec: VIDEO_CODECS[v?.codec ?? 1] ?? 'H264', frameRate, bitrate },
    audio,
  };
}

const SOURCE_RESOLUTIONS: Array<[number, number]> = [[1280, 720], [1920, 1080], [3840, 2160], [854, 480], [720, 1280]];

/**
 * What the mock takes the input file to be. There is no file to probe, so the media come from a hash of the
 * input's bucket and object: the same input always has the same media. A name that says its length (`-90s.`
 * or `_90s.`, as in `clip-90s.mp4`) has that duration, so a test can choose one.
 * Deviation: the real service probes the file; the mock cannot.
 */
export function probeInput(input: { bucket: string; object: string }): MediaFile {
  const digest = createHash('sha256').update(`${input.bucket}/${input.object}`).digest();
  const name = input.object.split('/').pop() ?? '';
  const said = /[-_](\d{1,6})s(?:\.|$)/.exec(name);
  const duration = said ? Math.max(1, Number(said[1])) : 10 + (digest.readUInt16BE(0) % 591);
  const [width, height] = SOURCE_RESOLUTIONS[digest[2]! % SOURCE_RESOLUTIONS.length]!;
  const frameRate = [24, 25, 30, 50, 60][digest[3]! % 5]!;
  const bitrate = Math.round((width * height) / 400);
  const audio: AudioStream[] = [{ codec: 'AAC', sample: 48000, channels: 2, bitrate: 128 }];
  return {
    duration,
    format: /\.mov$/i.test(name) ? 'MOV' : 'MP4',
    size: Math.round(((bitrate + 128) * 1000 * duration) / 8),
    video: { width, height, codec: digest[4]! % 3 === 0 ? 'HEVC' : 'H264', frameRate, bitrate },
    audio,
  };
}
