// ffprobe's figures in the vendor's terms (SPEC 11.3): the MediaFile the task documents are made from (whole
// seconds, kbit/s, the vendor's codec and container names), so a task's metadata, media details and
// notifications carry what the file really is.
import type { ProbeJson } from '../../media/ffmpeg.js';
import type { MediaFile } from '../tasks/task-outputs.js';

const CONTAINERS: Array<[RegExp, string]> = [
  [/^mov,mp4/, 'MP4'],
  [/^matroska/, 'MKV'],
  [/^flv$/, 'FLV'],
  [/^mpegts$/, 'TS'],
  [/^hls$/, 'HLS'],
  [/^dash$/, 'DASH'],
  [/^mp3$/, 'MP3'],
  [/^aac$/, 'ADTS'],
  [/^wav$/, 'WAV'],
  [/^avi$/, 'AVI'],
  [/^gif$/, 'GIF'],
  [/^ogg$/, 'OGG'],
  [/^flac$/, 'FLAC'],
];
const VIDEO_CODECS: Record<string, string> = { h264: 'H264', hevc: 'H265', mpeg4: 'MPEG4', vp9: 'VP9', av1: 'AV1', mjpeg: 'MJPEG', gif: 'GIF' };
const AUDIO_CODECS: Record<string, string> = { aac: 'AAC', mp3: 'MP3', opus: 'OPUS', ac3: 'AC3', eac3: 'EAC3', flac: 'FLAC', vorbis: 'VORBIS' };

const rate = (text: string | undefined): number => {
  const [n, d] = (text ?? '0/1').split('/').map(Number);
  return d ? n! / d : 0;
};
const kbits = (bps: string | undefined) => (bps === undefined || !Number.isFinite(Number(bps)) ? undefined : Math.round(Number(bps) / 1000));

/**
 * A probed file as a MediaFile. `size` is as given: bytes for an input, kbytes for an output, as MPC reports
 * each. A stream without its own bitrate (Matroska, HLS) gets the container's less the others'.
 */
export function mediaOfProbe(probe: ProbeJson, size: number): MediaFile {
  const format = probe.format ?? {};
  const streams = probe.streams ?? [];
  const duration = Math.max(0, Math.round(Number(format.duration ?? streams.find((s) => s.duration)?.duration ?? 0)));
  const name = format.format_name ?? '';
  const video = streams.find((s) => s.codec_type === 'video' && s.width);
  const audio = streams
    .filter((s) => s.codec_type === 'audio')
    .map((a) => ({
      codec: AUDIO_CODECS[a.codec_name ?? ''] ?? (a.codec_name?.startsWith('pcm_') ? 'PCM' : (a.codec_name ?? '').toUpperCase()),
      sample: Number(a.sample_rate ?? 0),
      channels: a.channels ?? 0,
      bitrate: kbits(a.bit_rate) ?? 0,
    }));
  const file: MediaFile = { duration, format: CONTAINERS.find(([re]) => re.test(name))?.[1] ?? name.split(',')[0]!.toUpperCase(), size, audio };
  if (video) {
    const total = kbits(format.bit_rate) ?? 0;
    file.video = {
      width: video.width!,
      height: video.height ?? 0,
      codec: VIDEO_CODECS[video.codec_name ?? ''] ?? (video.codec_name ?? '').toUpperCase(),
      frameRate: Math.round(rate(video.avg_frame_rate) || rate(video.r_frame_rate)),
      bitrate: kbits(video.bit_rate) ?? Math.max(0, total - audio.reduce((sum, a) => sum + a.bitrate, 0)),
    };
  }
  return file;
}

/** Whether ffmpeg found anything to read: a file with no audio or video stream is not media. */
export const isMedia = (probe: ProbeJson) => (probe.streams ?? []).some((s) => s.codec_type === 'video' || s.codec_type === 'audio');
