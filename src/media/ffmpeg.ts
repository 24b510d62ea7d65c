// ffmpeg and ffprobe, as the media layer runs them (SPEC 11.3). Always an argument array, never a shell; the
// media is read from a file of the task's own (a temporary copy of its input), with only the `file` protocol
// and demuxers that open nothing but that one file: an input that is really a playlist, a concat list or an
// image sequence naming other files or URLs is refused, not followed. stderr is kept (its tail) for the log,
// never for the API.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class MediaToolError extends Error {}

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** The first line of `ffmpeg -version`. */
  version: string;
}

/**
 * Demuxers a task's input may be read with: containers of one file. Deliberately absent: hls, dash, concat,
 * image2 (a pattern names other files), tee, and every network protocol's demuxer.
 */
export const INPUT_FORMATS = [
  'mov,mp4,m4a,3gp,3g2,mj2',
  'matroska,webm',
  'flv',
  'mpegts',
  'avi',
  'asf',
  'mp3',
  'aac',
  'wav',
  'ogg',
  'flac',
  'mpeg',
  'h264',
  'hevc',
  'm4v',
  'image2pipe',
  'png_pipe',
  'jpeg_pipe',
].join(',');

/** The options that go before `-i <input>`: one file, nothing it names. */
export const SAFE_INPUT = ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_FORMATS];

/** ffmpeg and ffprobe from `dir` (--ffmpeg), or else from PATH; MediaToolError with one line when either is missing. */
export function locateMediaTools(dir?: string): MediaTools {
  const find = (name: string): string => {
    if (dir !== undefined) {
      const path = join(dir, name);
      if (!existsSync(path)) throw new MediaToolError(`--media ffmpeg: ${name} is not in --ffmpeg ${dir}`);
      return path;
    }
    for (const entry of (process.env.PATH ?? '').split(delimiter)) {
      if (entry && existsSync(join(entry, name))) return join(entry, name);
    }
    throw new MediaToolError(`--media ffmpeg: ${name} is not on PATH (install ffmpeg, e.g. apt-get install ffmpeg, or give --ffmpeg <dir>)`);
  };
  const ffmpeg = find('ffmpeg');
  const ffprobe = find('ffprobe');
  const check = (path: string) => {
    const run = spawnSync(path, ['-version'], { encoding: 'utf8', timeout: 10_000 });
    if (run.status !== 0) throw new MediaToolError(`--media ffmpeg: ${path} -version failed: ${run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`}`);
    return run.stdout.split('\n')[0]!.trim();
  };
  const version = check(ffmpeg);
  check(ffprobe);
  return { ffmpeg, ffprobe, version };
}

export interface RunResult {
  stdout: string;
  /** The last few kilobytes of stderr. */
  stderr: string;
}

export class MediaRunError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly killed: 'timeout' | 'aborted' | undefined,
  ) {
    super(message);
  }
}

const STDERR_TAIL = 8 * 1024;

/** Runs one program with an argument array; rejects with MediaRunError on a non-zero exit, a kill or a time-out. */
export function runTool(path: string, args: readonly string[], options: { signal?: AbortSignal; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new MediaRunError(`${path} was not started: aborted`, '', 'aborted'));
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    const out: Buffer[] = [];
    let err = '';
    let killed: 'timeout' | 'aborted' | undefined;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    const kill = (why: 'timeout' | 'aborted') => {
      killed ??= why;
      child.kill('SIGKILL');
    };
    const timer = options.timeoutMs !== undefined ? setTimeout(() => kill('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => kill('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new MediaRunError(`${path} could not be started: ${error.message}`, err, killed));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0 && !killed) return resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err });
      const why = killed === 'timeout' ? 'took longer than its time limit' : killed === 'aborted' ? 'was stopped' : `exited with ${code ?? signal}`;
      reject(new MediaRunError(`${path.split('/').pop()} ${why}`, err, killed));
    });
  });
}

/** ffprobe's JSON of a file (format and streams). */
export interface ProbeJson {
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    bit_rate?: string;
    sample_rate?: string;
    channels?: number;
    duration?: string;
    tags?: Record<string, string>;
    side_data_list?: Array<{ rotation?: number }>;
  }>;
}

/**
 * ffprobe of one local file, read as a task's input is read; `trusted` for a file the mock wrote itself (an HLS
 * playlist opens its segments, which a task's input may not).
 */
export async function probeFile(tools: MediaTools, file: string, options: { signal?: AbortSignal; timeoutMs?: number; trusted?: boolean } = {}): Promise<ProbeJson> {
  const input = options.trusted ? ['-protocol_whitelist', 'file'] : SAFE_INPUT;
  const { stdout } = await runTool(tools.ffprobe, ['-v', 'error', ...input, '-print_format', 'json', '-show_format', '-show_streams', file], options);
  return JSON.parse(stdout) as ProbeJson;
}
