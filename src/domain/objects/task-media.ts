// What ffmpeg makes of a task's input, per kind (SPEC 11.3), with `--media ffmpeg`: each output as one ffmpeg
// run writing into a directory of its own, whose files go to the output path the task reports, and the file
// ffprobe reads for that output's figures. A kind without an entry here keeps the copies of task-files.ts (its
// input is still probed, so its figures are the input's). The kinds differ only by this table's entries.
import type { components } from '../../contract/mpc-api.generated.js';
import { joined, snapshotSeconds, sourceMedia, type TaskPlan } from '../tasks/task-documents.js';
import { sourceInfo, type MediaFile } from '../tasks/task-outputs.js';
import type { TaskDocument, TaskKindName } from '../tasks/task-kinds.js';
import { packOf, type OutputSpec } from '../templates/transcoding-templates.js';
import { requestKey, type ContentKey } from './hls-encryption.js';
import { kbytes, pictureSize } from './task-files.js';

type Schemas = components['schemas'];
type ObsObjInfo = Schemas['ObsObjInfo'];

/** One ffmpeg run: its arguments after `-i <input>`, writing into `dir`; its files go under `bucket`/`prefix`. */
export interface MediaStep {
  /** Every input of the task is given (`-i` each, in order), not only the first: a channel merge's files. */
  allInputs?: boolean;
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
          allInputs: true,
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
