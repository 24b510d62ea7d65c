// The one builder of what a finished task reports about its media: the transcoding outputs
// (`output_file_name`, `transcode_detail`), snapshot pictures, and the names of encrypted files. Created tasks
// (src/domain/tasks/lifecycle.ts) and generated fixtures (src/fixture-format/generate-fixtures.ts) both build their
// documents here, from explicit parameters, so the two always have the same shape; neither draws randomness
// inside the builder.

/** The audio stream of a source or an output, as MPC reports it (`AudioInfo`). */
export interface AudioStream {
  codec: string;
  sample: number;
  channels: number;
  /** kbit/s */
  bitrate: number;
}

/** What MPC knows of a media file: the source of a task, or one output of it. */
export interface MediaFile {
  /** Whole seconds. */
  duration: number;
  /** `HLS`, `DASH`, `MP4`, `MP3`, `ADTS`, or the source's container (`MP4`, `MOV`). */
  format: string;
  /** kbytes for an output (derived from its bitrates), bytes for a source, as MPC reports them. */
  size: number;
  video?: { width: number; height: number; codec: string; frameRate: number; /** kbit/s */ bitrate: number };
  audio: AudioStream[];
}

/** One template's output of a transcoding task: a file, or the error that kept it from being made. */
export type Rendition =
  | { templateId: number; fileName: string; media: MediaFile }
  | { templateId: number; error: { error_code: string; error_msg: string } };

const audioInfo = (a: AudioStream) => ({ codec: a.codec, sample: a.sample, channels: a.channels, bitrate: a.bitrate, bitrate_bps: a.bitrate * 1000 });

/** `SourceInfo` of the API: the media of a source or of one output file. */
export function sourceInfo(m: MediaFile): Record<string, unknown> {
  const info: Record<string, unknown> = { duration: m.duration, duration_ms: m.duration * 1000, format: m.format, size: m.size };
  if (m.video) {
    const v = m.video;
    info.video_info = { width: v.width, height: v.height, bitrate: v.bitrate, bitrate_bps: v.bitrate * 1000, frame_rate: v.frameRate, codec: v.codec };
  }
  info.audio_info = m.audio.map(audioInfo);
  return info;
}

/** The size MPC reports for an output: its bitrates over its duration, in kbytes. */
export function outputSize(duration: number, videoBitrate: number, audio: readonly AudioStream[]): number {
  return Math.round(((videoBitrate + audio.reduce((sum, a) => sum + a.bitrate, 0)) * duration) / 8);
}

/** The name MPC gives an output it names itself: `<stem>_<n>_<w>X<h>_<kbit/s>_0.<ext>`, as in the vendor's example. */
export function renditionFileName(stem: string, index: number, media: MediaFile, extension: string): string {
  const v = media.video;
  const bitrate = v ? v.bitrate : media.audio.reduce((sum, a) => sum + a.bitrate, 0);
  return `${stem}_${index + 1}_${v ? `${v.width}X${v.height}` : 'audio'}_${bitrate}_0.${extension}`;
}

/**
 * A finished transcoding task's outputs: `output_file_name` lists the files produced, in template order, and
 * `transcode_detail.multitask_info` has one entry per template in the same order (`output_file` for a
 * template that succeeded, `error` for one that failed), so `output_file_name[i]` and `multitask_info[i]`
 * line up for every template before the first failed one.
 */
export function transcodingOutputs(source: MediaFile, renditions: readonly Rendition[]): {
  output_file_name: string[];
  transcode_detail: { multitask_info: Array<Record<string, unknown>>; input_file: Record<string, unknown> };
} {
  return {
    output_file_name: renditions.flatMap((r) => ('fileName' in r ? [r.fileName] : [])),
    transcode_detail: {
      multitask_info: renditions.map((r) =>
        'fileName' in r ? { template_id: r.templateId, output_file: sourceInfo(r.media) } : { template_id: r.templateId, error: r.error },
      ),
      input_file: sourceInfo(source),
    },
  };
}

/** The pictures of a snapshot task, named after their second in the video as MPC names them (`9.jpg`). */
export function snapshotPictures(seconds: readonly number[], extension = 'jpg'): Array<{ pic_name: string }> {
  return seconds.map((s) => ({ pic_name: `${s}.${extension}` }));
}

/** The files of an encryption task: the encrypted playlist keeps the input playlist's name. */
export function encryptedFiles(inputObject: string): string[] {
  const name = inputObject.replace(/\/+$/, '').split('/').pop() || 'index.m3u8';
  return [name];
}

/** How a stream's duration is written in MetaData's stream models: strings, seconds and milliseconds. */
const streamDuration = (seconds: number) => ({ duration: String(seconds), duration_ms: String(seconds * 1000) });

/**
 * `MetaData` of the API (media info extraction, a remux's output): the same media a transcoding task of the same
 * input reports in its `input_file`, in this model's units: `size` bytes, `duration` whole seconds,
 * `duration_ms` seconds with decimals (despite its name), `bitrate` kbit/s in all, streams with kbit/s and bit/s
 * beside each other and their durations as strings. `md5` is the caller's: the mock has no bytes to digest.
 */
export function metaData(m: MediaFile, md5: string): Record<string, unknown> {
  const videoBitrate = m.video?.bitrate ?? 0;
  return {
    size: m.size,
    duration_ms: m.duration,
    duration: m.duration,
    format: m.format,
    md5,
    bitrate: videoBitrate + m.audio.reduce((sum, a) => sum + a.bitrate, 0),
    video: m.video
      ? [
          {
            width: m.video.width,
            height: m.video.height,
            bitrate: m.video.bitrate,
            bitrate_bps: m.video.bitrate * 1000,
            frame_rate: m.video.frameRate,
            codec: m.video.codec,
            ...streamDuration(m.duration),
            rotate: 0,
          },
        ]
      : [],
    audio: m.audio.map((a) => ({ ...audioInfo(a), ...streamDuration(m.duration) })),
  };
}
