// Event notifications (SPEC 8): a project's configuration (which event goes to which SMN topic, as text, JSON
// or both), the events a task's state change causes, and the MPC event as the real service writes it
// (shared/reference/mpc-api.md section 14). One payload builder serves every kind, driven by the kind's
// descriptor (`events` in task-kinds.ts); only the transcoding's media details need code of their own.
import { createHash } from 'node:crypto';
import type { components } from '../../contract/mpc-api.generated.js';
import { TASK_KINDS, type TaskDocument, type TaskKind } from '../tasks/task-kinds.js';
import { invalidParameter } from '../vendor-errors.js';

export type NotificationConfig = components['schemas']['NotificationConfig'];
export type EventType = components['schemas']['NotificationEventName'];

/** The events the mock can announce, as `GET /v1/{project_id}/notification/event` lists them: the kinds' own. */
export const NOTIFICATION_EVENTS: readonly EventType[] = TASK_KINDS.flatMap((k) => (k.events ? [...(k.events.start ? [k.events.start] : []), k.events.complete] : []));

/** The kind whose tasks announce an event. */
export function kindOfEvent(event: EventType): TaskKind {
  return TASK_KINDS.find((k) => k.events?.start === event || k.events?.complete === event)!;
}

/** msg_type (reference section 14): 0 off, 1 text, 2 JSON, 3 both. */
const MSG_TEXT = 1;
const MSG_JSON = 2;

/** The index of the first event configured a second time, if one is: a configuration names an event once. */
export function repeatedEvent(configs: readonly NotificationConfig[]): number | undefined {
  const seen = new Set<string>();
  for (const [i, config] of configs.entries()) {
    if (seen.has(config.event_name)) return i;
    seen.add(config.event_name);
  }
  return undefined;
}

/** Rules of a configuration that its schema cannot state: an event is configured once. Throws MPC.10202. */
export function checkNotificationConfigs(configs: readonly NotificationConfig[]): void {
  const i = repeatedEvent(configs);
  if (i !== undefined) throw invalidParameter(`notifications.${i}.event_name ${configs[i]!.event_name} is configured twice`);
}

/** A state change of a created task, as the lifecycle (or a cancel, or a synchronous snapshot) makes it. */
export interface Transition {
  kind: TaskKind;
  projectId: string;
  /** The status it left; undefined for a task that is final the moment it is created (a synchronous snapshot). */
  from: string | undefined;
  task: TaskDocument;
  /** Clock time (ms) of the change. */
  at: number;
}

/**
 * The events a transition causes: the start when a transcoding leaves the queue (enters its running state, from
 * WAITING or from audit), the completion when any task reaches a final state, whether it succeeded, failed or
 * was canceled.
 */
function eventsOf(t: Transition): EventType[] {
  const events = t.kind.events;
  if (!events || t.from === t.task.status) return [];
  const running = t.kind.states[t.kind.states.length - 2];
  if (events.start && t.task.status === running) return [events.start];
  if (t.kind.finalStatuses.includes(t.task.status)) return [events.complete];
  return [];
}

/** One message a configured event is announced with: its text and subject. */
export interface EventMessage {
  projectId: string;
  eventType: EventType;
  taskId: string;
  topicUrn: string;
  subject: string;
  message: string;
  at: number;
}

/**
 * The messages a transition's events are announced with under a project's configuration: none for an event
 * that is not configured, off or msg_type 0; one (text or JSON) or two (text, then JSON, for msg_type 3).
 */
export function messagesOf(t: Transition, configs: readonly NotificationConfig[]): EventMessage[] {
  const out: EventMessage[] = [];
  for (const eventType of eventsOf(t)) {
    const config = configs.find((c) => c.event_name === eventType);
    if (!config || config.status === 'off') continue;
    const msgType = config.msg_type ?? MSG_JSON;
    const event = mpcEvent(t.kind, eventType, t.task);
    const base = { projectId: t.projectId, eventType, taskId: t.task.task_id, topicUrn: config.topic, subject: eventType, at: t.at };
    if (msgType & MSG_TEXT) out.push({ ...base, message: eventText(t.kind, eventType, t.task) });
    if (msgType & MSG_JSON) out.push({ ...base, message: JSON.stringify(event) });
  }
  return out;
}

/**
 * The text form of an event (msg_type 1).
 * Deviation: the wording of the real service's text messages is not captured; the mock writes one line that
 * names the event, the task and its status.
 */
function eventText(kind: TaskKind, eventType: EventType, task: TaskDocument): string {
  const detail = typeof task.description === 'string' && task.status !== kind.succeededStatus ? `: ${task.description}` : '';
  return `${eventType}: ${kind.name} task ${task.task_id} is ${task.status}${detail}`;
}

/** The fields every kind's payload carries when the task has them. */
const COMMON_FIELDS = ['task_id', 'status', 'create_time', 'start_time', 'end_time', 'input', 'output', 'user_data', 'error_code', 'description'] as const;

/** The MPC event: `event_type` and the one payload key of the kind (reference section 14). */
function mpcEvent(kind: TaskKind, eventType: EventType, task: TaskDocument): Record<string, unknown> {
  const events = kind.events!;
  const payload: Record<string, unknown> = {};
  // Deviation: the status word is the task's own, as its list answers it: SUCCEEDED for transcodings (as the real
  // service was seen to send, where its docs say SUCCEED), thumbnails and encryptions, SUCCEED for animated
  // graphics. Only transcode_info was captured from the real service (reference section 14); the others' words
  // are the mock's guess that a notification says what the list says.
  for (const field of [...COMMON_FIELDS, ...events.fields]) if (task[field] !== undefined) payload[field] = task[field];
  payload.task_id = String(task.task_id);
  if (kind.name === 'transcoding' && task.status === kind.succeededStatus) Object.assign(payload, transcodeCompletion(task));
  return { event_type: eventType, [events.payloadKey]: payload };
}

type Source = {
  duration: number;
  duration_ms: number;
  format: string;
  size: number;
  video_info?: { width: number; height: number; bitrate: number; frame_rate: number; codec: string };
  audio_info?: Array<{ codec: string; sample: number; channels: number; bitrate: number; bitrate_bps: number }>;
};

const audioOf = (m: Source) => {
  const a = m.audio_info?.[0];
  return a ? { codec: a.codec, sample: a.sample, channels: a.channels, bitrate: a.bitrate, bitrate_bps: a.bitrate_bps, duration: m.duration, duration_ms: m.duration_ms } : undefined;
};

/**
 * What a successful transcoding's event says beyond the task (captured from the real service): the code and
 * message of a completed task, `media_detail` with the source (`origin_para`) and each output that was made
 * (`output_video_paras`), and on a partial success the first failed template's error as `xcode_error`.
 */
export function transcodeCompletion(task: TaskDocument): Record<string, unknown> {
  const detail = task.transcode_detail as { input_file?: Source; multitask_info?: Array<{ template_id: number; output_file?: Source; error?: { error_code: string; error_msg: string } }> } | undefined;
  const out: Record<string, unknown> = { error_code: 'MPC.10218', description: 'The task has completed.' };
  const source = detail?.input_file;
  const files = Array.isArray(task.output_file_name) ? (task.output_file_name as string[]) : [];
  const output = task.output as { bucket: string; location: string; object: string } | undefined;
  const paras: Array<Record<string, unknown>> = [];
  let made = 0;
  for (const entry of detail?.multitask_info ?? []) {
    const file = entry.output_file;
    if (!file) continue;
    const fileName = files[made++] ?? '';
    const v = file.video_info;
    paras.push({
      template_id: Number(entry.template_id),
      // An output's size is in kbytes (task-outputs.ts).
      size: file.size,
      size_byte: file.size * 1024,
      duration: file.duration,
      duration_ms: file.duration_ms,
      // Deviation: the real md5 is of the file's bytes; the mock has none and digests the file's name and task.
      md5: createHash('md5').update(`${task.task_id}/${fileName}`).digest('hex'),
      pack: file.format,
      ...(v ? { video: { width: v.width, height: v.height, bitrate: v.bitrate, frame_rate: v.frame_rate, codec: v.codec } } : {}),
      ...(audioOf(file) ? { audio: audioOf(file) } : {}),
      file_name: fileName,
      ...(output ? { output: { bucket: output.bucket, location: output.location, object: `${output.object.replace(/\/+$/, '')}/${fileName}` } } : {}),
    });
  }
  if (source) {
    const v = source.video_info;
    out.media_detail = {
      features: ['TRANSCODE'],
      origin_para: {
        duration: source.duration,
        duration_ms: source.duration_ms,
        file_format: source.format,
        // A source's size is in bytes (task-outputs.ts); the event says kbytes and bytes.
        size: Math.round(source.size / 1024),
        size_byte: source.size,
        ...(v
          ? {
              video: {
                width: v.width,
                height: v.height,
                bitrate: v.bitrate,
                frame_rate: v.frame_rate,
                codec: v.codec,
                dynamic_range: 'SDR',
                duration: String(source.duration),
                duration_ms: String(source.duration_ms),
                rotate: 0,
              },
            }
          : {}),
        ...(audioOf(source) ? { audio: audioOf(source) } : {}),
      },
      output_video_paras: paras,
    };
  }
  const failed = detail?.multitask_info?.find((e) => e.error);
  if (failed?.error) out.xcode_error = { error_code: failed.error.error_code, error_msg: failed.error.error_msg };
  return out;
}
