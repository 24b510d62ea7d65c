// What ffmpeg makes of a task's input, per kind (SPEC 11.3), with `--media ffmpeg`: each output as one ffmpeg
// run writing into a directory of its own, whose files go to the output path the task reports, and the file
// ffprobe reads for that output's figures. A kind without an entry here keeps the copies of task-files.ts (its
// input is still probed, so its figures are the input's). The kinds differ only by this table's entries.
import type { components } from '../../contract/mpc-api.generated.js';
import { editingOutputs, joined, snapshotSeconds, sourceMedia, type EditingReq, type EditOutput, type TaskPlan } from '../tasks/task-documents.js';
import { sourceInfo, type MediaFile } from '../tasks/task-outputs.js';
import type { TaskDocument, TaskKindName } from '../tasks/task-kinds.js';
import { packOf, type OutputSpec } from '../templates/transcoding-templates.js';
import { requestKey, type ContentKey } from './hls-encryption.js';
import { even, kbytes, pictureSize } from './task-files.js';

type Schemas = components['schemas'];
type ObsObjInfo = Schemas['ObsObjInfo'];

/** One ffmpeg run: its arguments after `-i <input>`, writing into `dir`; its files go under `bucket`/`prefix`. */
export interface MediaStep {
  /** The task's inputs this step reads (`-i` each, in this order: a channel merge's files, an edit's parts); default: its first. */
  inputs?: readonly ObsObjInfo[];
  /** ffmpeg's arguments after the inputs, writing into `dir`; none where the step copies its input (`copyInput`). */
  args?(dir: string): string[];
  /** No ffmpeg: the task's HLS input is written as it is, its playlist under this name. */
  copyInput?: string;
  bucket: string;
  /** The HLS this step writes (`playlist` in its directory, and the segments it names) is encrypted with `key`. */
  encrypt?: { playlist: string; key: ContentKey };
  prefix: string;
  /** The output whose size and media this step's files make. */
  output: number;
  /** The file (in `dir`) ffprobe reads for the output's figures; none for pictures. */
  probe?: string;
  /** Seconds to seek in the input before reading (`-ss` before `-i`: fast and frame-exact in ffmpeg). */
  seek?: number;
  /** A snapshot's tar (tar 0) this step's picture is packed into as well. */
  tar?: string;
}

export interface MediaOf {
  /** `playlist`: the task's input is an HLS playlist, read with the segments it names (an encryption's). */
  input?: 'playlist';
  steps(fields: Record<string, unknown>, task: TaskDocument, plan: TaskPlan): MediaStep[];
  /** The success fields with each output's real size (bytes) and, where probed, its media. */
  measured(fields: Record<string, unknown>, facts: { bytes: readonly number[]; media: ReadonlyArray<MediaFile | undefined> }): Record<string, unknown>;
}

/** Every run: no banner, no terminal, errors only on stderr, overwrite. */
export const QUIET = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

// The vendor's code lists (shared/reference/mpc-api.md §13) as ffmpeg's encoders.
// Deviation: HE-AAC v1 and v2 need libfdk_aac, which Debian's ffmpeg has not: they are encoded as AAC-LC.
const AUDIO_ENCODERS: Record<number, string> = { 1: 'aac', 2: 'aac', 3: 'aac', 4: 'libmp3lame' };
const SAMPLE_RATES: Record<number, number | undefined> = { 1: undefined, 2: 22050, 3: 32000, 4: 44100, 5: 48000, 6: 96000 };
const VIDEO_ENCODERS: Record<number, string> = { 1: 'libx264', 2: 'libx265' };

/** The video and audio options of one template (or av_parameters entry). */
function codecArgs(spec: OutputSpec, withVideo: boolean): string[] {
  const args: string[] = [];
  const v = spec.video;
  if (!withVideo || v?.output_policy === 'discard') args.push('-vn');
  else if (v?.output_policy === 'copy') args.push('-c:v', 'copy');
  else {
    args.push('-c:v', VIDEO_ENCODERS[v?.codec ?? 1] ?? 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p');
    const [w, h] = [v?.width ?? 0, v?.height ?? 0];
    // 0 keeps the source's side; one side given keeps the aspect (-2: even, as encoders need).
    if (w > 0 || h > 0) args.push('-vf', `scale=${w > 0 ? w : -2}:${h > 0 ? h : -2}`);
    if (v?.bitrate) args.push('-b:v', `${v.bitrate}k`);
    if (v?.frame_rate) args.push('-r', String(v.frame_rate));
    if (v?.max_iframes_interval && v.frame_rate) args.push('-g', String(v.max_iframes_interval * v.frame_rate));
  }
  const a = spec.audio;
  if (a?.output_policy === 'discard') args.push('-an');
  else if (a?.output_policy === 'copy') args.push('-c:a', 'copy');
  else {
    args.push('-c:a', AUDIO_ENCODERS[a?.codec ?? 1] ?? 'aac');
    const rate = SAMPLE_RATES[a?.sample_rate ?? 1];
    if (rate) args.push('-ar', String(rate));
    if (a?.channels) args.push('-ac', String(a.channels));
    if (a?.bitrate) args.push('-b:a', `${a.bitrate}k`);
  }
  return args;
}

/** Key frames forced every `seconds`, when the video is encoded (a copy keeps its own). */
const keyFrames = (spec: OutputSpec, seconds: number): string[] =>
  spec.video?.output_policy === 'copy' || spec.video?.output_policy === 'discard' ? [] : ['-force_key_frames', `expr:gte(t,n_forced*${seconds})`];

/** A rendition in its container: HLS (playlist and segments), DASH (manifest and its media), MP4, MP3 or ADTS. */
export function renditionArgs(spec: OutputSpec, name: string, dir: string): string[] {
  const pack = packOf(spec);
  const codecs = codecArgs(spec, pack.video);
  const stem = name.replace(/\.[^.]+$/, '');
  switch (pack.format) {
    case 'HLS':
    case 'HLS_DASH':
      // A key frame at every segment boundary, or segments are cut only where the encoder happened to put one.
      return [...codecs, ...keyFrames(spec, spec.common.hls_interval ?? 5), '-f', 'hls', '-hls_time', String(spec.common.hls_interval ?? 5), '-hls_playlist_type', 'vod', '-hls_segment_filename', `${dir}/${stem}_%03d.ts`, `${dir}/${name}`];
    case 'DASH':
      return [...codecs, ...keyFrames(spec, spec.common.dash_interval ?? 5), '-f', 'dash', '-seg_duration', String(spec.common.dash_interval ?? 5), '-init_seg_name', `${stem}_init_$RepresentationID$.m4s`, '-media_seg_name', `${stem}_$RepresentationID$_$Number%05d$.m4s`, `${dir}/${name}`];
    case 'MP3':
      return [...codecs, '-f', 'mp3', `${dir}/${name}`];
    case 'ADTS':
      return [...codecs, '-f', 'adts', `${dir}/${name}`];
    default:
      return [...codecs, '-movflags', '+faststart', '-f', 'mp4', `${dir}/${name}`];
  }
}

/** An edit's output encoded at its size, frame rate, codecs and bitrates, in the container its name says. */
function editEncoding(o: EditOutput, dir: string): string[] {
  const v = o.media.video!;
  const a = o.media.audio[0];
  const video = ['-c:v', /^(H265|HEVC)$/i.test(v.codec) ? 'libx265' : 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-b:v', `${v.bitrate}k`];
  const audio = a ? ['-c:a', a.codec.toUpperCase() === 'MP3' ? 'libmp3lame' : 'aac', '-b:a', `${a.bitrate}k`] : [];
  const stem = o.fileName.replace(/\.[^.]+$/, '');
  if (o.fileName.endsWith('.m3u8')) {
    const seconds = o.hlsInterval ?? 5;
    return [...video, ...audio, '-force_key_frames', `expr:gte(t,n_forced*${seconds})`, '-f', 'hls', '-hls_time', String(seconds), '-hls_playlist_type', 'vod', '-hls_segment_filename', `${dir}/${stem}_%03d.ts`, `${dir}/${o.fileName}`];
  }
  // Another container: ffmpeg's, by the file's extension (one it has not fails the task with MPC.10105).
  return [...video, ...audio, ...(o.fileName.endsWith('.mp4') ? ['-movflags', '+faststart'] : []), `${dir}/${o.fileName}`];
}

const LAYOUTS: Record<number, string> = { 1: 'mono', 2: 'stereo', 6: '5.1' };

/**
 * The filter graph of an edit's output: its parts one after the other (each cut, scaled into the frame, at one
 * frame rate and sample rate: `concat` needs them alike), or a mix's inputs in their panes over a black frame.
 * A part without video is black, one without audio silent. `index` is each input's place among the step's inputs.
 */
function editGraph(o: EditOutput, index: (input: ObsObjInfo) => number, source: (input: ObsObjInfo) => MediaFile): { graph: string; audio: boolean } {
  const { width: W, height: H, frameRate: F } = o.media.video!;
  const a = o.media.audio[0];
  const rate = a?.sample ?? 44100;
  const layout = LAYOUTS[a?.channels ?? 2] ?? 'stereo';
  const audioFormat = `aformat=sample_rates=${rate}:channel_layouts=${layout}`;
  if (o.mix) {
    const filters = [`color=c=black:s=${W}x${H}:r=${F}:d=${o.media.duration}[b0]`];
    const panes = o.mix.filter((m) => source(m.input).video);
    panes.forEach((m, k) => {
      const w = even(m.pane.width * W);
      const h = even(m.pane.height * H);
      // Panes are placed from the bottom-left corner; ffmpeg's overlay from the top-left.
      const x = Math.round(m.pane.x * W);
      const y = Math.round(H - (m.pane.y + m.pane.height) * H);
      filters.push(`[${index(m.input)}:v:0]setpts=PTS-STARTPTS,scale=${w}:${h},setsar=1[p${k}]`, `[b${k}][p${k}]overlay=x=${x}:y=${y}:eof_action=pass[b${k + 1}]`);
    });
    filters.push(`[b${panes.length}]format=yuv420p[v]`);
    const heard = o.mix.filter((m) => m.audio && source(m.input).audio.length > 0);
    heard.forEach((m, k) => filters.push(`[${index(m.input)}:a:0]${audioFormat}[m${k}]`));
    if (heard.length) filters.push(`${heard.map((_m, k) => `[m${k}]`).join('')}amix=inputs=${heard.length}:duration=longest,${audioFormat}[a]`);
    return { graph: filters.join(';'), audio: heard.length > 0 };
  }
  const filters: string[] = [];
  o.parts.forEach((part, k) => {
    const src = source(part.input);
    const i = index(part.input);
    const cut = part.start !== undefined ? `trim=start=${part.start}:end=${part.end},` : '';
    const length = (part.end ?? src.duration) - (part.start ?? 0);
    filters.push(
      src.video
        ? `[${i}:v:0]${cut}setpts=PTS-STARTPTS,scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${F},format=yuv420p[v${k}]`
        : `color=c=black:s=${W}x${H}:r=${F}:d=${length},format=yuv420p[v${k}]`,
      src.audio.length
        ? `[${i}:a:0]${cut ? `a${cut}` : ''}asetpts=PTS-STARTPTS,${audioFormat}[a${k}]`
        : `anullsrc=r=${rate}:cl=${layout},atrim=duration=${length}[a${k}]`,
    );
  });
  filters.push(`${o.parts.map((_p, k) => `[v${k}][a${k}]`).join('')}concat=n=${o.parts.length}:v=1:a=1[v][a]`);
  return { graph: filters.join(';'), audio: true };
}

/** Seconds of the snapshot times a request asks for, as ffmpeg seeks them (DOTS_MS to the millisecond). */
const snapshotTimes = (para: Schemas['ThumbnailPara'], duration: number): number[] =>
  para.type === 'DOTS_MS' ? (para.dots_ms ?? []).map((ms) => ms / 1000) : snapshotSeconds(para, duration);

/** One frame (where the step seeks), scaled to the picture's size, as a JPEG. */
const frameArgs = (size: { width: number; height: number }, file: string): string[] => ['-frames:v', '1', '-vf', `scale=${size.width}:${size.height}`, '-an', '-q:v', '3', '-f', 'image2', file];

export const TASK_MEDIA: Partial<Record<TaskKindName, MediaOf>> = {
  transcoding: {
    steps(fields, _task, plan) {
      const r = plan.request as Schemas['CreateTranscodingReq'];
      const names = fields.output_file_name as string[];
      const key = requestKey(r.encryption);
      // output_file_name[i] is the file of outputs[i] for every output before the first that failed.
      return names.map((name, i) => {
        const spec = plan.outputs![i]!;
        const out = spec.output ?? r.output;
        // An encrypted transcoding's HLS renditions are encrypted with the request's key; other containers are not (as on the service).
        const encrypt = key && name.endsWith('.m3u8') ? { encrypt: { playlist: name, key } } : {};
        return { output: i, bucket: out.bucket, prefix: out.object, probe: name, args: (dir: string) => renditionArgs(spec, name, dir), ...encrypt };
      });
    },
    measured(fields, { bytes, media }) {
      const detail = fields.transcode_detail as { multitask_info: Array<{ output_file?: Record<string, unknown> }>; input_file: unknown };
      return {
        ...fields,
        transcode_detail: {
          ...detail,
          multitask_info: detail.multitask_info.map((m, i) => {
            if (!m.output_file || bytes[i] === undefined) return m;
            const probed = media[i];
            // MPC reports an output's size in kbytes; its figures are ffprobe's of the file written.
            return { ...m, output_file: probed ? { ...sourceInfo(probed), size: kbytes(bytes[i]) } : { ...m.output_file, size: kbytes(bytes[i]) } };
          }),
        },
      };
    },
  },

  snapshot: {
    steps(fields, task, plan) {
      const r = plan.request as Schemas['CreateThumbReq'];
      const out = task.output as ObsObjInfo;
      const para = r.thumbnail_para;
      const source = sourceMedia(plan, r.input);
      const size = pictureSize(source, para.width, para.height, para.max_length ?? 480);
      const pictures = fields.thumbnail_info as Array<{ pic_name: string }>;
      const times = snapshotTimes(para, source.duration);
      const tar = typeof fields.output_file_name === 'string' && fields.output_file_name.endsWith('.tar') ? fields.output_file_name : undefined;
      // Each picture is a seek and one frame; the tar (tar 0) packs them beside them, as task-files.ts writes it.
      return pictures.map((p, i) => ({
        output: 0,
        bucket: out.bucket,
        prefix: out.object,
        // Never past the end: a time at or after it takes the last frame there is.
        seek: Math.max(0, Math.min(times[i] ?? 0, source.duration - 0.1)),
        args: (dir: string) => frameArgs(size, `${dir}/${p.pic_name}`),
        ...(tar ? { tar } : {}),
      }));
    },
    measured: (fields) => fields,
  },

  animated_gif: {
    steps(_fields, task, plan) {
      const r = plan.request as Schemas['CreateAnimatedGraphicsTaskReq'];
      const out = task.output as ObsObjInfo & { file_name: string };
      const p = r.output_param;
      const size = pictureSize(sourceMedia(plan, r.input), p.width, p.height);
      const seconds = (p.end - p.start) / 1000;
      return [
        {
          output: 0,
          bucket: out.bucket,
          prefix: out.object,
          seek: p.start / 1000,
          args: (dir: string) => [
            '-t',
            String(seconds),
            '-vf',
            `fps=${p.frame_rate ?? 15},scale=${size.width}:${size.height}:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse`,
            '-an',
            '-loop',
            '0',
            '-f',
            'gif',
            `${dir}/${out.file_name}`,
          ],
        },
      ];
    },
    measured: (fields) => fields,
  },

  encryption: {
    // The input playlist and its segments, each segment encrypted whole with the request's key, the playlist
    // naming the key: the segments keep their names and their cuts.
    input: 'playlist',
    steps(fields, task, plan) {
      const r = plan.request as Schemas['CreateEncryptReq'];
      const out = task.output as ObsObjInfo;
      const key = requestKey(r.encryption)!;
      return (fields.output_file_name as string[]).map((name) => ({ output: 0, bucket: out.bucket, prefix: out.object, copyInput: name, encrypt: { playlist: name, key } }));
    },
    measured: (fields) => fields,
  },

  merge_channels: {
    // Each file's first audio channel becomes one channel of the output, in order (amerge), with the layout and
    // language of the tracks asked for.
    steps(_fields, task, plan) {
      const r = plan.request as Schemas['CreateMergeChannelsReq'];
      const out = task.output as ObsObjInfo;
      const name = String(task.output_filename);
      const files = r.multi_audio.audio_files;
      const language = files[0]?.tracks_info?.[0]?.language;
      const graph = `${files.map((_f, i) => `[${i}:a]pan=mono|c0=c0[m${i}]`).join(';')};${files.map((_f, i) => `[m${i}]`).join('')}amerge=inputs=${files.length}[a]`;
      return [
        {
          output: 0,
          bucket: out.bucket,
          prefix: out.object,
          probe: name,
          inputs: files.map((f) => f.input),
          args: (dir: string) => ['-filter_complex', graph, '-map', '[a]', ...(language ? ['-metadata:s:a:0', `language=${language}`] : []), `${dir}/${name}`],
        },
      ];
    },
    measured: (fields) => fields,
  },

  reset_tracks: {
    // The video is copied; each audio track is encoded again with the channel count of its layout and tagged
    // with its language.
    steps(_fields, task, plan) {
      const r = plan.request as Schemas['CreateResetTracksReq'];
      const out = task.output as ObsObjInfo;
      const name = String(task.output_filename);
      const tracks = r.audio_file.tracks_info ?? [];
      const channels = (layout: string | undefined) => ({ mono: 1, FL: 1, FR: 1, stereo: 2, '5.1': 6 })[layout ?? ''] as number | undefined;
      const perTrack = tracks.flatMap((t, i) => [...(channels(t.channel_layout) ? [`-ac:a:${i}`, String(channels(t.channel_layout))] : []), ...(t.language ? [`-metadata:s:a:${i}`, `language=${t.language}`] : [])]);
      return [{ output: 0, bucket: out.bucket, prefix: out.object, probe: name, args: (dir: string) => ['-map', '0', '-c:v', 'copy', '-c:a', 'aac', ...perTrack, `${dir}/${name}`] }];
    },
    measured: (fields) => fields,
  },

  editing: {
    // Each output made of its parts (clips cut, files joined, a mix's panes), encoded as the output setting says.
    // Deviation: an edit's mosaics and image watermarks are not drawn.
    steps(fields, task, plan) {
      const info = fields.output_file_info as Array<{ meta_data?: unknown }>;
      const source = (input: ObsObjInfo) => sourceMedia(plan, input);
      return editingOutputs(plan.request as EditingReq, task.task_id, plan).flatMap((o, i) => {
        // Only the outputs that succeeded (those with meta_data) are made; a partial success's last ones are not.
        if (!info[i]?.meta_data) return [];
        const inputs = [...new Map([...o.parts.map((p) => p.input), ...(o.mix ?? []).map((m) => m.input)].map((input) => [`${input.bucket}/${input.object}`, input])).values()];
        const index = (input: ObsObjInfo) => inputs.findIndex((x) => x.bucket === input.bucket && x.object === input.object);
        const { graph, audio } = editGraph(o, index, source);
        const prefix = o.output.object.slice(0, o.output.object.length - o.fileName.length).replace(/\/+$/, '');
        return [{ output: i, bucket: o.output.bucket, prefix, probe: o.fileName, inputs, args: (dir: string) => ['-filter_complex', graph, '-map', '[v]', ...(audio ? ['-map', '[a]'] : []), ...editEncoding(o, dir)] }];
      });
    },
    measured(fields, { bytes, media }) {
      const info = fields.output_file_info as Array<{ meta_data?: Record<string, unknown> }>;
      // Each output's figures are ffprobe's of the file written, its size in kbytes.
      return { ...fields, output_file_info: info.map((f, i) => (f.meta_data && media[i] && bytes[i] !== undefined ? { ...f, meta_data: { ...sourceInfo(media[i]), size: kbytes(bytes[i]) } } : f)) };
    },
  },

  media_process: {
    // Deviation: the real service enhances with models of its own (super-resolution, frame interpolation,
    // colour); ffmpeg cannot. The mock writes the output as a denoised, sharpened H.264 of the same size.
    steps(fields, _task, plan) {
      const r = plan.request as Schemas['CreateMediaProcessReq'];
      return (fields.output_file_name as string[]).map((name, i) => ({
        output: i,
        bucket: r.output.bucket,
        prefix: r.output.object,
        probe: name,
        args: (dir: string) => ['-vf', 'hqdn3d,unsharp', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'copy', `${dir}/${name}`],
      }));
    },
    measured: (fields) => fields,
  },

  remux: {
    steps(_fields, task) {
      const out = task.output as ObsObjInfo & { file_name: string };
      const param = task.output_param as Schemas['RemuxOutputParam'];
      const name = out.file_name;
      const stem = name.replace(/\.[^.]+$/, '');
      // A remux changes the container only: the streams are copied.
      const args = (dir: string) =>
        param.format === 'HLS'
          ? ['-c', 'copy', '-f', 'hls', '-hls_time', String(param.segment_duration ?? 5), '-hls_playlist_type', 'vod', '-hls_segment_filename', `${dir}/${stem}_%03d.ts`, `${dir}/${name}`]
          : ['-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', `${dir}/${name}`];
      return [{ output: 0, bucket: out.bucket, prefix: out.object, probe: name, args }];
    },
    measured(fields, { bytes, media }) {
      const meta = fields.output_metadata as Record<string, unknown>;
      const probed = media[0];
      return {
        ...fields,
        output_metadata: {
          ...meta,
          size: bytes[0] ?? 0,
          ...(probed ? { duration: probed.duration, duration_ms: probed.duration * 1000, format: probed.format } : {}),
        },
      };
    },
  },
};
