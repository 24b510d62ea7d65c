// Reads derived from the tasks a project sees (SPEC 9.2): a transcoding task's details as ListTranscodeDetail
// answers them, and the per-day statistics of ListStatSummary. Nothing here is stored apart from the tasks: both
// are computed from the task documents when asked, so they always agree with the lists.
import type { components } from '../../contract/mpc-api.generated.js';
import { taskOf, type TaskStore } from '../../storage/tasks/task-store.js';
import { parseMpcDate, parseMpcTime } from '../mpc-time.js';
import { invalidParameter } from '../vendor-errors.js';
import { transcodeCompletion } from '../notifications/notifications.js';
import { taskKind, type TaskDocument } from './task-kinds.js';

type Schemas = components['schemas'];
export type TaskDetailInfo = Schemas['TaskDetailInfo'];
export type StatType = Schemas['ListStatSummaryResponse']['stat_type'];

const TRANSCODING = taskKind('transcoding');
const REMUX = taskKind('remux');

const pick = <T extends object>(from: Record<string, unknown> | undefined, keys: readonly string[]): T | undefined => {
  if (!from) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  // The stream models write durations as strings (the event's audio has numbers).
  for (const key of ['duration', 'duration_ms']) if (typeof out[key] === 'number') out[key] = String(out[key]);
  return out as T;
};
const VIDEO_KEYS = ['width', 'height', 'bitrate', 'bitrate_bps', 'frame_rate', 'codec', 'duration', 'duration_ms', 'rotate'];
const AUDIO_KEYS = ['codec', 'sample', 'channels', 'bitrate', 'bitrate_bps', 'duration', 'duration_ms'];

/**
 * One transcoding task as ListTranscodeDetail answers it (`TaskDetailInfo`): the task's own fields, and for a
 * finished one the `media_detail` its completion event carries (the same builder), in the detail model's fields.
 */
export function taskDetailInfo(task: TaskDocument): TaskDetailInfo {
  const info: Record<string, unknown> = {};
  for (const key of ['task_id', 'status', 'progress', 'create_time', 'start_time', 'end_time', 'input', 'output', 'user_data', 'error_code', 'description']) {
    if (task[key] !== undefined) info[key] = task[key];
  }
  if (task.status !== TRANSCODING.succeededStatus) return info as TaskDetailInfo;
  const done = transcodeCompletion(task);
  info.error_code = done.error_code;
  info.description = done.description;
  const media = done.media_detail as
    | { features: string[]; origin_para: Record<string, unknown>; output_video_paras: Array<Record<string, unknown>> }
    | undefined;
  if (media) {
    const origin = media.origin_para;
    info.media_detail = {
      features: media.features,
      origin_para: {
        duration: origin.duration,
        duration_ms: origin.duration_ms,
        file_format: origin.file_format,
        ...(origin.video ? { video: pick(origin.video as Record<string, unknown>, VIDEO_KEYS) } : {}),
        ...(origin.audio ? { audio: pick(origin.audio as Record<string, unknown>, AUDIO_KEYS) } : {}),
      },
      output_video_paras: media.output_video_paras.map((p) => ({
        template_id: p.template_id,
        size: p.size,
        pack: p.pack,
        ...(p.video ? { video: pick(p.video as Record<string, unknown>, VIDEO_KEYS) } : {}),
        ...(p.audio ? { audio: pick(p.audio as Record<string, unknown>, AUDIO_KEYS) } : {}),
        file_name: p.file_name,
        conver_duration: p.duration,
      })),
    };
  }
  if (done.xcode_error) info.xcode_error = done.xcode_error;
  return info as TaskDetailInfo;
}

const DAY_MS = 86_400_000;
/** The longest window ListStatSummary answers, in days. The vendor's limit is not documented; a year is plenty. */
export const MAX_STAT_DAYS = 366;

const slashed = (day: string) => `${day.slice(0, 4)}/${day.slice(4, 6)}/${day.slice(6, 8)}`;
const minutes = (seconds: number) => seconds / 60;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Seconds between two yyyymmddhhmmss times (0 when either is missing or they run backwards). */
function secondsBetween(from: unknown, to: unknown): number {
  const a = typeof from === 'string' ? parseMpcTime(from) : undefined;
  const b = typeof to === 'string' ? parseMpcTime(to) : undefined;
  return a && b ? Math.max(0, (b.getTime() - a.getTime()) / 1000) : 0;
}

/** What one finished task adds to a day of each statistic. */
const CONTRIBUTION: Record<StatType, { kind: typeof TRANSCODING; value: (task: TaskDocument) => number }> = {
  // The source's duration, in minutes, of every transcoding that succeeded.
  video_duration: {
    kind: TRANSCODING,
    value: (t) => minutes(Number((t.transcode_detail as { input_file?: { duration?: number } } | undefined)?.input_file?.duration ?? 0)),
  },
  // The source's duration, in minutes, of every remux that succeeded.
  remux_file_duration: { kind: REMUX, value: (t) => minutes(Number((t.output_metadata as { duration?: number } | undefined)?.duration ?? 0)) },
  transcode_task_number: { kind: TRANSCODING, value: () => 1 },
  // How long the transcoding took, in minutes: from its start (or creation) to its end.
  transcode_duration: { kind: TRANSCODING, value: (t) => minutes(secondsBetween(t.start_time ?? t.create_time, t.end_time)) },
};

/**
 * ListStatSummary (SPEC 9.2): one entry per day from `start` to `end` (yyyymmdd, both inclusive, UTC), each the
 * statistic over the project's tasks (its own and the shared ones, as its lists see them) created that day that
 * succeeded, with 2 decimals, and their total. Reads the succeeded tasks of the window a page at a time.
 */
export function statSummary(store: TaskStore, projectId: string, start: string, end: string, statType: StatType): Schemas['ListStatSummaryResponse'] {
  // The dates arrive checked against the document (format yyyymmdd): real days.
  const from = parseMpcDate(start)!;
  const to = parseMpcDate(end)!;
  if (start > end) throw invalidParameter('start_time cannot be greater than end_time');
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_STAT_DAYS) throw invalidParameter(`start_time to end_time must span at most ${MAX_STAT_DAYS} days`);
  const { kind, value } = CONTRIBUTION[statType];
  const sums = new Map<string, number>();
  const window = { kind: kind.name, projectId, status: kind.succeededStatus, from: `${start}000000`, to: `${end}235959` };
  const total = store.countTasks(window);
  for (let offset = 0; offset < total; offset += 1000) {
    for (const row of store.listTasks({ ...window, limit: 1000, offset })) {
      const task = taskOf(row);
      const day = task.create_time.slice(0, 8);
      sums.set(day, (sums.get(day) ?? 0) + value(task));
    }
  }
  const summary: Array<{ date: string; value: number }> = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
    summary.push({ date: slashed(day), value: round2(sums.get(day) ?? 0) });
  }
  return { summary, total: round2(summary.reduce((sum, d) => sum + d.value, 0)), stat_type: statType };
}
