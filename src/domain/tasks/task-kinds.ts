// The MPC task kinds share one implementation of every behaviour; what differs is this descriptor.
// The status words each list accepts live in the OpenAPI document (the operation's `status` enum), not here.
import { invalidParameter } from '../vendor-errors.js';

export type TaskKindName = 'transcoding' | 'snapshot' | 'animated_gif' | 'encryption' | 'extract' | 'remux' | 'merge_channels' | 'reset_tracks' | 'editing' | 'media_process';

export type TaskKindWord =
  | 'transcodings'
  | 'thumbnails'
  | 'animated-graphics'
  | 'encryptions'
  | 'extract-metadata'
  | 'remux'
  | 'merge-channels'
  | 'reset-tracks'
  | 'editing-jobs'
  | 'enhancements';

export interface TaskKind {
  name: TaskKindName;
  /**
   * The kind's word (SPEC 6, 9.1): how the control plane, the journal, fault rules and fixture files name it. For
   * the first four it is also the list path; the others' paths differ (`urlPath`).
   */
  path: TaskKindWord;
  /** The list path under /v1/{project_id}/ (`audio/services/merge_channels/task`). */
  urlPath: string;
  /** The query parameter that names tasks in the list filter and the cancel: `job_id` for editing jobs. */
  idParam: 'task_id' | 'job_id';
  /** The create's success status: 202 for the four first kinds (queued), 200 for the others, as documented. */
  createStatus: 200 | 202;
  /**
   * The states a cancel accepts. Absent: any state that is not final (SPEC 4.2). The later kinds cancel queued
   * tasks only, as their SDK docstrings say.
   */
  cancellable?: readonly string[];
  /** Filter words that mean another stored state (the PREPROCESSING of extraction and editing lists is PROCESSING). */
  statusAliases?: Readonly<Record<string, string>>;
  /** The field that tells progress in percent (0 queued, 50 running, 100 done), if the model has one. */
  progressField?: 'progress' | 'complete_ratio';
  /** Whether the task gets a start_time when it leaves the queue (its model has one). */
  startTimeWhenRunning: boolean;
  /** Whether the task model has user_data (the audio kinds and media process tasks do not). */
  hasUserData: boolean;
  /** operationId of the list operation in openapi/mpc-api.yaml. */
  listOperationId: string;
  /** components.schemas name of one task document. */
  taskSchema: string;
  /** The key that holds the tasks in a list response. */
  listKey: 'task_array' | 'tasks' | 'jobs';
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
  /** The operation that removes a finished task's record, where the kind has one (remux, transcoding). */
  recordDeleteOperationId?: string;
  /** The operation that runs a FAILED task again, where the kind has one (remux). */
  retryOperationId?: string;
  /** The states a created task moves through on its way to success, in order (SPEC 4.3). */
  states: readonly string[];
  /** The create response's task_id is a JSON number (transcoding, as the SDK model says) or a string. */
  createdIdIsNumber: boolean;
  /** Whether the task model has a task-level error_code field (transcoding and GIF tasks do). */
  hasErrorCode: boolean;
  /** What a failed task says when no outcome rule gives a code and message. */
  defaultFailure: { error_code: string; description: string };
  /**
   * The outcomes beyond succeed, fail and cancel that this kind's model can show (SPEC 4.3): `audit` where it has
   * a NEED_TO_BE_AUDIT state (transcoding), `partial` where a task has several outputs that each report their own
   * result (transcoding's templates, an editing job's `output_file_info`).
   */
  specialOutcomes?: readonly ('partial' | 'audit')[];
  /**
   * The SMN events MPC announces for this kind (shared/reference/mpc-api.md section 14): `start` when a task
   * leaves the queue, `complete` when it ends, the payload's key, and the task fields the payload carries
   * besides the ones every kind's does. Encryption tasks announce nothing.
   */
  events?: {
    start?: 'TranscodeStart';
    complete: 'TranscodeComplete' | 'ThumbnailComplete' | 'AnimatedGraphicsComplete' | 'ParseComplete' | 'RemuxComplete';
    payloadKey: string;
    fields: readonly string[];
  };
}

/** What the later kinds have in common (the reference's section 9): created 200, cancelled while queued only. */
const QUEUED_ONLY = { createStatus: 200, idParam: 'task_id', startTimeWhenRunning: false, hasUserData: true } as const;

export const TASK_KINDS: readonly TaskKind[] = [
  {
    name: 'transcoding',
    path: 'transcodings',
    urlPath: 'transcodings',
    idParam: 'task_id',
    createStatus: 202,
    hasUserData: true,
    progressField: 'progress',
    startTimeWhenRunning: false,
    listOperationId: 'ListTranscodingTask',
    taskSchema: 'QueryTranscodingsTaskResponse',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: true,
    createOperationId: 'CreateTranscodingTask',
    cancelOperationId: 'DeleteTranscodingTask',
    recordDeleteOperationId: 'DeleteTranscodingTaskByConsole',
    states: ['WAITING', 'TRANSCODING', 'SUCCEEDED'],
    createdIdIsNumber: true,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10105', description: 'An error occurred during transcoding.' },
    specialOutcomes: ['partial', 'audit'],
    // media_detail and xcode_error are built from transcode_detail (src/domain/notifications/notifications.ts).
    events: { start: 'TranscodeStart', complete: 'TranscodeComplete', payloadKey: 'transcode_info', fields: [] },
  },
  {
    name: 'snapshot',
    path: 'thumbnails',
    urlPath: 'thumbnails',
    idParam: 'task_id',
    createStatus: 202,
    hasUserData: true,
    startTimeWhenRunning: false,
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
    urlPath: 'animated-graphics',
    idParam: 'task_id',
    createStatus: 202,
    hasUserData: true,
    // A GIF task's start_time is when it left the queue.
    startTimeWhenRunning: true,
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
    urlPath: 'encryptions',
    idParam: 'task_id',
    createStatus: 202,
    hasUserData: true,
    startTimeWhenRunning: false,
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
  {
    ...QUEUED_ONLY,
    name: 'extract',
    path: 'extract-metadata',
    urlPath: 'extract-metadata',
    listOperationId: 'ListExtractTask',
    taskSchema: 'ExtractTask',
    listKey: 'tasks',
    hasIsTruncated: false,
    finalStatuses: ['SUCCEED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEED',
    failureHasErrorCode: true,
    createOperationId: 'CreateExtractTask',
    cancelOperationId: 'DeleteExtractTask',
    states: ['INIT', 'WAITING', 'PROCESSING', 'SUCCEED'],
    cancellable: ['INIT', 'WAITING'],
    // The filter's docstring says PREPROCESSING where the task model says PROCESSING (reference 2.4): both find it.
    statusAliases: { PREPROCESSING: 'PROCESSING' },
    startTimeWhenRunning: true,
    createdIdIsNumber: false,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10154', description: 'Failed to open the input file.' },
    // Inferred: the reference names the event (ParseComplete) but not its payload key.
    events: { complete: 'ParseComplete', payloadKey: 'parse_info', fields: ['metadata'] },
  },
  {
    ...QUEUED_ONLY,
    name: 'remux',
    path: 'remux',
    urlPath: 'remux',
    listOperationId: 'ListRemuxTask',
    taskSchema: 'RemuxTask',
    listKey: 'tasks',
    hasIsTruncated: false,
    finalStatuses: ['SUCCEED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEED',
    failureHasErrorCode: true,
    createOperationId: 'CreateRemuxTask',
    cancelOperationId: 'CancelRemuxTask',
    recordDeleteOperationId: 'DeleteRemuxTask',
    retryOperationId: 'CreateRetryRemuxTask',
    states: ['INIT', 'WAITING', 'PROCESSING', 'SUCCEED'],
    cancellable: ['INIT', 'WAITING'],
    progressField: 'complete_ratio',
    startTimeWhenRunning: true,
    createdIdIsNumber: false,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
    events: { complete: 'RemuxComplete', payloadKey: 'remux_info', fields: ['output_param', 'output_metadata'] },
  },
  {
    ...QUEUED_ONLY,
    name: 'merge_channels',
    hasUserData: false,
    path: 'merge-channels',
    urlPath: 'audio/services/merge_channels/task',
    listOperationId: 'ListMergeChannelsTask',
    taskSchema: 'MergeChannelsTaskInfo',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: false,
    createOperationId: 'CreateMergeChannelsTask',
    cancelOperationId: 'DeleteMergeChannelsTask',
    states: ['WAITING', 'PROCESSING', 'SUCCEEDED'],
    cancellable: ['WAITING'],
    createdIdIsNumber: false,
    hasErrorCode: false,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
  },
  {
    ...QUEUED_ONLY,
    name: 'reset_tracks',
    hasUserData: false,
    path: 'reset-tracks',
    urlPath: 'audio/services/reset_tracks/task',
    listOperationId: 'ListResetTracksTask',
    taskSchema: 'ResetTracksTaskInfo',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: false,
    createOperationId: 'CreateResetTracksTask',
    cancelOperationId: 'DeleteResetTracksTask',
    states: ['WAITING', 'PROCESSING', 'SUCCEEDED'],
    cancellable: ['WAITING'],
    createdIdIsNumber: false,
    hasErrorCode: false,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
  },
  {
    ...QUEUED_ONLY,
    name: 'editing',
    path: 'editing-jobs',
    urlPath: 'editing/jobs',
    // The v1 API of the SDK names its jobs job_id in the filter, the cancel and the create's answer.
    idParam: 'job_id',
    listOperationId: 'ListEditingJob',
    taskSchema: 'EditingJob',
    listKey: 'jobs',
    hasIsTruncated: false,
    finalStatuses: ['SUCCEED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEED',
    failureHasErrorCode: true,
    createOperationId: 'CreateEditingJob',
    cancelOperationId: 'DeleteEditingJob',
    states: ['INIT', 'WAITING', 'PROCESSING', 'SUCCEED'],
    cancellable: ['INIT', 'WAITING'],
    statusAliases: { PREPROCESSING: 'PROCESSING' },
    startTimeWhenRunning: true,
    createdIdIsNumber: false,
    hasErrorCode: true,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
    // A job with several outputs reports each in output_file_info: some can fail while the job succeeds.
    specialOutcomes: ['partial'],
  },
  {
    ...QUEUED_ONLY,
    name: 'media_process',
    hasUserData: false,
    path: 'enhancements',
    urlPath: 'enhancements',
    listOperationId: 'ListMediaProcessTask',
    taskSchema: 'MediaProcessTaskInfo',
    listKey: 'task_array',
    hasIsTruncated: true,
    finalStatuses: ['SUCCEEDED', 'FAILED', 'CANCELED'],
    succeededStatus: 'SUCCEEDED',
    failureHasErrorCode: false,
    createOperationId: 'CreateMediaProcessTask',
    cancelOperationId: 'DeleteMediaProcessTask',
    states: ['WAITING', 'PROCESSING', 'SUCCEEDED'],
    cancellable: ['WAITING'],
    createdIdIsNumber: false,
    hasErrorCode: false,
    defaultFailure: { error_code: 'MPC.10125', description: 'Input data error.' },
  },
];

/** A kind by its word (`transcodings`, `merge-channels`, ...), as the control plane names kinds. */
export function taskKindByPath(path: string): TaskKind | undefined {
  return TASK_KINDS.find((k) => k.path === path);
}

/** A kind by its list path under /v1/{project_id}/ (`audio/services/merge_channels/task`). */
export function taskKindByUrlPath(urlPath: string): TaskKind | undefined {
  return TASK_KINDS.find((k) => k.urlPath === urlPath);
}

/** The kind words, in the order of TASK_KINDS. */
export const TASK_KIND_WORDS: readonly TaskKindWord[] = TASK_KINDS.map((k) => k.path);

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
