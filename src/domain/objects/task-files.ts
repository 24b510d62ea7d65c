// The files a finished task wrote (SPEC 11.2), per kind: where each is (the output bucket and path the task
// reports) and what it holds without media processing: a video or audio output is a copy of the input, an HLS
// output a playlist naming a segment that exists, a metadata file its JSON. Once written, the task reports their
// real sizes. The kinds differ only by this table's entries.
import type { components } from '../../contract/mpc-api.generated.js';
import type { ImageFormat } from '../../storage/objects/encode.js';
import { editingInput, editingOutputs, joined, sourceMedia, type EditingReq, type TaskPlan } from '../tasks/task-documents.js';
import type { MediaFile } from '../tasks/task-outputs.js';
import { encryptedPlaylist, requestKey, type ContentKey } from './hls-encryption.js';
import type { TaskDocument, TaskKindName } from '../tasks/task-kinds.js';

type Schemas = components['schemas'];
type ObsObjInfo = Schemas['ObsObjInfo'];

export interface Picture {
  format: ImageFormat;
  width: number;
  height: number;
}
export type FileContent = { copyOf: ObsObjInfo } | { text: string } | { image: Picture } | { tar: Array<{ name: string; image: Picture }> };
export interface TaskFile {
  bucket: string;
  key: string;
  content: FileContent;
  /** The output the file belongs to, for its size: files of one output (a playlist and its segment) add up. */
  output: number;
}

interface FilesOf {
  /** The files a task with these success fields writes. */
  files(fields: Record<string, unknown>, task: TaskDocument, plan: TaskPlan): TaskFile[];
  /** The success fields with each output's real size, in bytes per output. */
  sized(fields: Record<string, unknown>, bytes: readonly number[]): Record<string, unknown>;
}

/** MPC reports an output's size in kbytes. */
export const kbytes = (bytes: number) => Math.round(bytes / 1024);

/** A playlist of one segment, as HLS players read it (RFC 8216): the segment sits beside it. */
function hlsFiles(bucket: string, key: string, input: ObsObjInfo, seconds: number, output: number): TaskFile[] {
  const segment = `${key.replace(/\.m3u8$/, '')}_000.ts`;
  const name = segment.split('/').pop()!;
  const duration = Math.max(1, Math.round(seconds));
  const playlist = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${duration}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', `#EXTINF:${duration}.000,`, name, '#EXT-X-ENDLIST', ''].join('\n');
  return [
    { bucket, key, content: { text: playlist }, output },
    { bucket, key: segment, content: { copyOf: input }, output },
  ];
}

/** A DASH manifest of one representation, its media file beside it. */
function dashFiles(bucket: string, key: string, input: ObsObjInfo, seconds: number, output: number): TaskFile[] {
  const media = `${key.replace(/\.mpd$/, '')}_000.mp4`;
  const name = media.split('/').pop()!;
  const mpd = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT${Math.max(1, Math.round(seconds))}S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">`,
    '  <Period>',
    '    <AdaptationSet mimeType="video/mp4">',
    `      <Representation id="1" bandwidth="1000000"><BaseURL>${name}</BaseURL></Representation>`,
    '    </AdaptationSet>',
    '  </Period>',
    '</MPD>',
    '',
  ].join('\n');
  return [
    { bucket, key, content: { text: mpd }, output },
    { bucket, key: media, content: { copyOf: input }, output },
  ];
}

/** The files with each playlist naming the key. */
function keyed(files: TaskFile[], key: ContentKey): TaskFile[] {
  return files.map((f) => (f.key.endsWith('.m3u8') && 'text' in f.content ? { ...f, content: { text: encryptedPlaylist(f.content.text, key) } } : f));
}

/** One output file by its extension: a playlist (and its segment), a manifest (and its media), else a copy. */
function mediaFiles(bucket: string, key: string, input: ObsObjInfo, seconds: number, output: number): TaskFile[] {
  if (key.endsWith('.m3u8')) return hlsFiles(bucket, key, input, seconds, output);
  if (key.endsWith('.mpd')) return dashFiles(bucket, key, input, seconds, output);
  return [{ bucket, key, content: { copyOf: input }, output }];
}

/** The nearest even number of pixels, at least 2: what encoders take. */
export const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * A picture's size: both sides as asked, one side and the source's aspect, or else (`max_length` given, or a
 * default) the longest side at that length with the source's aspect.
 */
export function pictureSize(source: MediaFile, width: number | undefined, height: number | undefined, longest?: number): { width: number; height: number } {
  const video = source.video;
  const [sw, sh] = video ? [video.width, video.height] : [1280, 720];
  const w = width !== undefined && width > 0 ? width : undefined;
  const h = height !== undefined && height > 0 ? height : undefined;
  if (w && h) return { width: w, height: h };
  if (w) return { width: w, height: even((w * sh) / sw) };
  if (h) return { width: even((h * sw) / sh), height: h };
  if (longest === undefined) return { width: sw, height: sh };
  return sw >= sh ? { width: longest, height: even((longest * sh) / sw) } : { width: even((longest * sw) / sh), height: longest };
}

export const TASK_FILES: Partial<Record<TaskKindName, FilesOf>> = {
  transcoding: {
    files(fields, _task, plan) {
      const r = plan.request as Schemas['CreateTranscodingReq'];
      const detail = fields.transcode_detail as { multitask_info: Array<{ output_file?: { duration: number } }> };
      const key = requestKey(r.encryption);
      // output_file_name[i] is multitask_info[i]'s file for every template before the first that failed.
      return (fields.output_file_name as string[]).flatMap((name, i) => {
        const out = plan.outputs?.[i]?.output ?? r.output;
        const files = mediaFiles(out.bucket, joined(out.object, name), r.input, detail.multitask_info[i]?.output_file?.duration ?? 1, i);
        // An encrypted transcoding's playlists name its key (the segments stay copies without --media ffmpeg).
        return key ? keyed(files, key) : files;
      });
    },
    sized(fields, bytes) {
      const detail = fields.transcode_detail as { multitask_info: Array<{ output_file?: Record<string, unknown> }> };
      return {
        ...fields,
        transcode_detail: {
          ...detail,
          // MPC reports an output's size in kbytes.
          multitask_info: detail.multitask_info.map((m, i) => (m.output_file && bytes[i] !== undefined ? { ...m, output_file: { ...m.output_file, size: kbytes(bytes[i]) } } : m)),
        },
      };
    },
  },

  snapshot: {
    files(fields, task, plan) {
      const r = plan.request as Schemas['CreateThumbReq'];
      const out = task.output as ObsObjInfo;
      const para = r.thumbnail_para;
      const size = pictureSize(sourceMedia(plan, r.input), para.width, para.height, para.max_length ?? 480);
      const pictures = (fields.thumbnail_info as Array<{ pic_name: string }>).map((p) => ({ name: p.pic_name, image: { format: 'jpeg' as const, ...size } }));
      const files: TaskFile[] = pictures.map((p) => ({ bucket: out.bucket, key: joined(out.object, p.name), content: { image: p.image }, output: 0 }));
      // tar 0: the pictures packed into the one file the task names, beside them.
      const tar = typeof fields.output_file_name === 'string' && fields.output_file_name.endsWith('.tar') ? fields.output_file_name : undefined;
      if (tar) files.push({ bucket: out.bucket, key: joined(out.object, tar), content: { tar: pictures }, output: 0 });
      return files;
    },
    sized: (fields) => fields,
  },

  animated_gif: {
    files(_fields, task, plan) {
      const r = plan.request as Schemas['CreateAnimatedGraphicsTaskReq'];
      const out = task.output as ObsObjInfo & { file_name: string };
      const size = pictureSize(sourceMedia(plan, r.input), r.output_param.width, r.output_param.height);
      return [{ bucket: out.bucket, key: joined(out.object, out.file_name), content: { image: { format: 'gif', ...size } }, output: 0 }];
    },
    sized: (fields) => fields,
  },

  encryption: {
    // Deviation: without `--media ffmpeg` the segment is the input's bytes, not encrypted; the playlist names the
    // key as HLS AES-128 does.
    files(fields, task, plan) {
      const r = plan.request as Schemas['CreateEncryptReq'];
      const out = task.output as ObsObjInfo;
      const key = requestKey(r.encryption)!;
      return (fields.output_file_name as string[]).flatMap((name, i) => keyed(hlsFiles(out.bucket, joined(out.object, name), r.input, 10, i), key));
    },
    sized: (fields) => fields,
  },

  editing: {
    files(fields, task, plan) {
      const r = plan.request as EditingReq;
      const first = editingInput(r)!;
      const info = fields.output_file_info as Array<{ meta_data?: unknown }>;
      // Only the outputs that succeeded (those with meta_data) are written; a partial success's last ones are not.
      return editingOutputs(r, task.task_id).flatMap((o, i) => (info[i]?.meta_data ? mediaFiles(o.output.bucket, o.output.object, first, o.media.duration, i) : []));
    },
    sized(fields, bytes) {
      const info = fields.output_file_info as Array<{ meta_data?: Record<string, unknown> }>;
      // An output's size in kbytes, as SourceInfo reports outputs.
      return { ...fields, output_file_info: info.map((f, i) => (f.meta_data && bytes[i] !== undefined ? { ...f, meta_data: { ...f.meta_data, size: kbytes(bytes[i]) } } : f)) };
    },
  },

  remux: {
    files(fields, task, plan) {
      const r = plan.request as Schemas['CreateRemuxTaskReq'];
      const out = task.output as ObsObjInfo & { file_name: string };
      const seconds = (fields.output_metadata as { duration?: number } | undefined)?.duration ?? 1;
      return mediaFiles(out.bucket, joined(out.object, out.file_name), r.input!, seconds, 0);
    },
    // MetaData's size is in bytes.
    sized: (fields, bytes) => ({ ...fields, output_metadata: { ...(fields.output_metadata as object), size: bytes[0] ?? 0 } }),
  },

  extract: {
    files(fields, task) {
      const out = task.output as (ObsObjInfo & { file_name?: string }) | undefined;
      if (!out?.file_name) return [];
      return [{ bucket: out.bucket, key: joined(out.object, out.file_name), content: { text: `${JSON.stringify(fields.metadata, null, 2)}\n` }, output: 0 }];
    },
    sized: (fields) => fields,
  },

  merge_channels: {
    files(_fields, task, plan) {
      const out = task.output as ObsObjInfo;
      const first = (plan.request as Schemas['CreateMergeChannelsReq']).multi_audio.audio_files[0]!.input;
      return [{ bucket: out.bucket, key: joined(out.object, String(task.output_filename)), content: { copyOf: first }, output: 0 }];
    },
    sized: (fields) => fields,
  },

  reset_tracks: {
    files(_fields, task, plan) {
      const out = task.output as ObsObjInfo;
      const input = (plan.request as Schemas['CreateResetTracksReq']).audio_file.input;
      return [{ bucket: out.bucket, key: joined(out.object, String(task.output_filename)), content: { copyOf: input }, output: 0 }];
    },
    sized: (fields) => fields,
  },

  media_process: {
    files(fields, _task, plan) {
      const r = plan.request as Schemas['CreateMediaProcessReq'];
      return (fields.output_file_name as string[]).map((name, i) => ({ bucket: r.output.bucket, key: joined(r.output.object, name), content: { copyOf: r.input }, output: i }));
    },
    sized: (fields) => fields,
  },
};
