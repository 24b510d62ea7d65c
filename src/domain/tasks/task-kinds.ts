// The four MPC task kinds share one implementation of every behaviour; what differs is this descriptor.
// The status words each list accepts live in the OpenAPI document (the operation's `status` enum), not here.
import { invalidParameter } from '../vendor-errors.js';

export type TaskKindName = 'transcoding' | 'snapshot' | 'animated_gif' | 'encryption';

export interface TaskKind {
  name: TaskKindName;
  /** The list path under /v1/{project_id}/, also the key of this kind's tasks in a fixture file. */
  path: 'transcodings' | 'thumbnails' | 'animated-graphics' | 'encryptions';
  /** operationId of the list operation in openapi/mpc-api.yaml. */
  listOperationId: string;
  /** components.schemas name of one task document. */
  taskSchema: string;
  /** The key that holds the tasks in a list response. */
  listKey: 'task_array' | 'tasks';
  /** Whether the list response carries is_truncated (the GIF list does not). */
  hasIsTruncated: boolean;
  /** The states a task never leaves; only these carry end_time. */
  finalStatuses: readonly string[];
  /** The final state of a task that completed. */
  succeededStatus: string;
  /** Whether a FAILED task carries a task-level error_code beside its description. */
  failureHasErrorCode: boolean;
  /** operationIds of the create and cancel operations. */
  createOperationId: string;
  cancelOperationId: string;
  /** The states a created task moves through on its way to success, in order (SPEC 4.3). */
  states: readonly string[];
  /** The create response's task_id is a JSON number (transcoding, as the SDK model says) or a string. */
  createdIdIsNumber: boolean;
  /** Whether the task model has a task-level error_code field (transcoding and GIF tasks do). */
  hasErrorCode: boolean;
  /** What a failed task says when no outcome rule gives a code and message. */
  defaultFailure: { error_code: string; description: string };
  /**
   * The SMN events MPC announces for this kind (shared/reference/mpc-api.md section 14): `start` when a task
   * leaves the queue, `complete` when it ends, the payload's key, and the task fields the payload carries
   * besides the ones every kind's does. Encryption tasks announce nothing.
   */
  events?: { start?: 'TranscodeStart'; complete: 'TranscodeComplete' | 'ThumbnailComplete' | 'AnimatedGraphicsComplete'; payloadKey: string; fields: readonly string[] };
}

export const TASK_KINDS: readonly TaskKind[] = [
  {
    name: 'transcoding',
    path: 'transcodings',
    listOperationId: 'ListTranscodingTask',
    taskSchema: 'QueryTranscodingsTaskResponse',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: true,
    createOperationId: 'CreateTranscodingTask',
    cancelOperationId: 'DeleteTranscodingTask',
    states: ['WAITING', 'TRANSCODING', 'SUCCEEDED'],
    createdIdIsNumber: true,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10105', description: 'An error occurred during transcoding.' },
    // media_detail and xcode_error are built from transcode_detail (src/domain/notifications/notifications.ts).
    events: { start: 'TranscodeStart', complete: 'TranscodeComplete', payloadKey: 'transcode_info', fields: [] },
  },
  {
    name: 'snapshot',
    path: 'thumbnails',
    listOperationId: 'ListThumbnailsTask',
    taskSchema: 'ThumbTask',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: false,
    createOperationId: 'CreateThumbnailsTask',
    cancelOperationId: 'DeleteThumbnailsTask',
    states: ['WAITING', 'PROCESSING', 'SUCCEEDED'],
    createdIdIsNumber: false,
    hasErrorCode: false,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
    events: { complete: 'ThumbnailComplete', payloadKey: 'thumbnail_info', fields: ['thumbnail_info', 'output_file_name'] },
  },
  {
    name: 'animated_gif',
    path: 'animated-graphics',
    listOperationId: 'ListAnimatedGraphicsTask',
    taskSchema: 'AnimatedGraphicsTask',
    listKey: 'tasks',
    hasIsTruncated: false,
    // Note the vendor's spelling SUCCEED for GIF tasks.
    finalStatuses: ['SUCCEED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEED',
    failureHasErrorCode: false,
    createOperationId: 'CreateAnimatedGraphicsTask',
    cancelOperationId: 'DeleteAnimatedGraphicsTask',
    states: ['INIT', 'WAITING', 'PROCESSING', 'SUCCEED'],
    createdIdIsNumber: false,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
    events: { complete: 'AnimatedGraphicsComplete', payloadKey: 'animated_graphics_info', fields: ['output_param'] },
  },
  {
    name: 'encryption',
    path: 'encryptions',
    listOperationId: 'ListEncryptTask',
    taskSchema: 'EachEncryptRsp',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: false,
    createOperationId: 'CreateEncryptTask',
    cancelOperationId: 'DeleteEncryptTask',
    states: ['WAITING', 'PROCESSING', 'SUCCEEDED'],
    createdIdIsNumber: false,
    hasErrorCode: false,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
  },
];

/** A kind by the word of its path (`transcodings`, ...), as the control plane names kinds. */
export function taskKindByPath(path: string): TaskKind | undefined {
  return TASK_KINDS.find((k) => k.path === path);
}

/** A kind by its path word, or 400 MPC.10202 naming the word (the control plane's kind parameter). */
export function requireTaskKindByPath(word: string): TaskKind {
  const kind = taskKindByPath(word);
  if (!kind) throw invalidParameter(`kind ${word} is not a task kind`);
  return kind;
}

export function taskKind(name: TaskKindName): TaskKind {
  const kind = TASK_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`unknown task kind ${name}`);
  return kind;
}

/** A task document in the API's own shape (task_id, status, create_time, ...), as the list returns it. */
export interface TaskDocument {
  task_id: string;
  status: string;
  create_time: string;
  end_time?: string;
  [field: string]: unknown;
}

/**
 * Rules a task document must keep beyond its schema (SPEC 2.7): a state the kind's list can filter by, end_time
 * only once final, times in order, a FAILED task says why. `states` are the words the kind's status filter
 * takes (the OpenAPI document's). Returns the broken rules as field/message pairs, empty when consistent.
 */
export function checkTaskConsistency(
  kind: TaskKind,
  task: TaskDocument,
  states: readonly string[],
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (!states.includes(task.status)) {
    problems.push({ field: 'status', message: `must be a state a ${kind.name} task can be in: ${states.join(', ')}` });
  }
  const final = kind.finalStatuses.includes(task.status);
  if (final && task.end_time === undefined) {
    problems.push({ field: 'end_time', message: `is required once the task is ${task.status}` });
  }
  if (!final && task.end_time !== undefined) {
    problems.push({ field: 'end_time', message: `must be absent while the task is ${task.status}` });
  }
  const startTime = typeof task.start_time === 'string' ? task.start_time : undefined;
  if (startTime !== undefined && startTime < task.create_time) {
    problems.push({ field: 'start_time', message: 'cannot be earlier than create_time' });
  }
  if (task.end_time !== undefined && task.end_time < (startTime ?? task.create_time)) {
    problems.push({ field: 'end_time', message: `cannot be earlier than ${startTime !== undefined ? 'start_time' : 'create_time'}` });
  }
  if (task.status === 'FAILED') {
    if (typeof task.description !== 'string') problems.push({ field: 'description', message: 'is required for a FAILED task' });
    if (kind.failureHasErrorCode && typeof task.error_code !== 'string') {
      problems.push({ field: 'error_code', message: 'is required for a FAILED task' });
    }
  }
  return problems;
}
