// The object store's gates with `--media ffmpeg` (SPEC 11.3): a task's input is really processed.
// - Before a task starts (enters its running state) its inputs must exist (as task-io.ts checks them), and, if it
//   is to succeed, it needs one of `--media-workers` slots: without one it stays WAITING, in the order it came.
//   With a slot its processing starts, and the task starts.
// - The processing downloads each input to a temporary file, reads it with ffprobe (an input ffmpeg cannot read
//   fails the task with MPC.10154), runs ffmpeg for each output (task-media.ts), uploads what it wrote and reads
//   each output with ffprobe. The task SUCCEEDS once that is done and its lifecycle's time has come, whichever
//   is later; its document carries ffprobe's figures.
// - A task canceled, removed or reset has its ffmpeg killed and its outputs removed; one that takes longer than
//   `--media-timeout` is killed and FAILS. Temporary files go on every path; those a crashed process left are
//   removed by the next one.
// ffmpeg's stderr goes to the log, never to the API.
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MediaRunError, probeFile, runTool, SAFE_INPUT, type MediaTools, type ProbeJson } from '../../media/ffmpeg.js';
import { missingOf, type ObjectStore } from '../../storage/objects/object-store.js';
import { packTar } from '../../storage/objects/encode.js';
import type { Outcome } from '../tasks/outcomes.js';
import { inputsOf, joined, KIND_DOCUMENTS, type TaskPlan } from '../tasks/task-documents.js';
import type { MediaFile } from '../tasks/task-outputs.js';
import type { TaskDocument, TaskKind } from '../tasks/task-kinds.js';
import { encryptedPlaylist, readMediaPlaylist, segmentCipher, type ContentKey } from './hls-encryption.js';
import { isMedia, mediaOfProbe } from './probed-media.js';
import { gateKey, INPUT_MISSING, OUTPUT_PATH_INVALID, STORE_FAILED, taskStoreOps, type GateAnswer, type GateLog, type TaskIo } from './task-io.js';
import { QUIET, TASK_MEDIA } from './task-media.js';

export interface MediaSettings {
  tools: MediaTools;
  /** How many tasks are processed at once (--media-workers). */
  workers: number;
  /** How long one task's processing may take (--media-timeout). */
  timeoutMs: number;
  /** The largest input read (--media-max-input). */
  maxInputBytes: number;
}

export const UNREADABLE_INPUT: Outcome = { outcome: 'fail', error_code: 'MPC.10154', description: 'Failed to open the input file.' };
// Deviation: the vendor documents no code for a task that ran out of time; the mock uses its code for a
// transcoding error.
export const PROCESSING_FAILED: Outcome = { outcome: 'fail', error_code: 'MPC.10105', description: 'An error occurred during transcoding.' };

/** The largest input playlist read: its segments are what is large. */
const PLAYLIST_MAX_BYTES = 1 << 20;

/** Every scratch directory is named after its process, so the next one knows which a crash left. */
const SCRATCH_PREFIX = 'mpc-mock-media-';

/** Removes the scratch directories of processes that are gone (a crash, a SIGKILL); answers how many. */
export function sweepScratch(root = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(root)) {
    const pid = Number(/^mpc-mock-media-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Job {
  abort: AbortController;
  /** Set once the processing is over: what the task's success gate answers. */
  answer?: GateAnswer;
  /** What it uploaded, to take back if the task does not succeed after all. */
  written: Array<{ bucket: string; key: string }>;
  done: Promise<void>;
}

export interface MediaTaskIo extends TaskIo {
  /** Stops a task's processing (canceled, removed, reset) and takes back what it wrote. */
  cancel(kind: TaskKind, projectId: string, taskId: string): void;
  /** Stops the processing of every task of a project and/or kind (a scoped reset), or of every task. */
  cancelScope(projectId?: string, kindName?: string): void;
  /** Stops everything and removes the scratch directory. */
  close(): Promise<void>;
}

export function createMediaTaskIo(
  objects: ObjectStore,
  media: MediaSettings,
  /** Makes a held task due again; false when it is not held (it moved on, or is gone). */
  resume: (kind: TaskKind, projectId: string, taskId: string) => boolean,
  /** The task's status now; undefined when it is gone. */
  statusOf: (kind: TaskKind, projectId: string, taskId: string) => string | undefined,
  log: () => GateLog,
  scratchRoot = tmpdir(),
): MediaTaskIo {
  const { checkInput, writeOutputs, removeAll } = taskStoreOps(objects, log);
  sweepScratch(scratchRoot);
  const scratch = mkdtempSync(join(scratchRoot, `${SCRATCH_PREFIX}${process.pid}-`));
  const answers = new Map<string, GateAnswer>();
  const jobs = new Map<string, Job>();
  const taskKey = (kind: TaskKind, projectId: string, taskId: string) => `${kind.name}\u0000${projectId}\u0000${taskId}`;

  // The workers: `busy` slots taken; the rest wait in order.
  let busy = 0;
  const waiting: Array<{ key: string; grant: () => void }> = [];
  /** A slot: true once it is granted, false when the signal stopped the wait first. */
  const acquire = (key: string, signal: AbortSignal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      if (busy < media.workers) {
        busy++;
        return resolve(true);
      }
      const entry = { key, grant: () => resolve(true) };
      waiting.push(entry);
      signal.addEventListener(
        'abort',
        () => {
          const at = waiting.indexOf(entry);
          if (at >= 0) {
            waiting.splice(at, 1);
            resolve(false);
          }
        },
        { once: true },
      );
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next.grant();
    else busy--;
  };

  /** Downloads an input to a file of the job's; answers its path. */
  const download = async (input: { bucket: string; object: string }, dir: string, i: number): Promise<{ path: string; size: number } | Outcome> => {
    const head = await objects.head(input.bucket, input.object);
    if (!head) return INPUT_MISSING;
    if (head.size > media.maxInputBytes) {
      log()({ bucket: input.bucket, object: input.object, size: head.size, limit: media.maxInputBytes }, 'a task input is larger than --media-max-input; the task fails with MPC.10154');
      return UNREADABLE_INPUT;
    }
    const path = join(dir, `input-${i}`);
    await pipeline(await objects.get(input.bucket, input.object), createWriteStream(path));
    return { path, size: head.size };
  };

  /** Uploads every file of a step's directory under its prefix; answers their sizes. */
  const upload = async (dir: string, bucket: string, prefix: string, written: Job['written']): Promise<number> => {
    let bytes = 0;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const { size } = statSync(path);
      const key = joined(prefix, name);
      await objects.put(bucket, key, createReadStream(path), size);
      written.push({ bucket, key });
      bytes += size;
    }
    return bytes;
  };

  /** ffprobe of an input file, read as a task input is: its probe, or MPC.10154 (the log says why) when ffmpeg cannot read it or it holds no media. */
  const probeInput = async (path: string, input: { bucket: string; object: string }, where: Record<string, unknown>, options: { signal: AbortSignal; timeoutMs: number }): Promise<ProbeJson | Outcome> => {
    let probe: ProbeJson;
    try {
      probe = await probeFile(media.tools, path, options);
    } catch (error) {
      if (error instanceof MediaRunError && error.killed) throw error;
      log()({ ...where, bucket: input.bucket, object: input.object, stderr: (error as MediaRunError).stderr }, 'ffprobe cannot read a task input; the task fails with MPC.10154');
      return UNREADABLE_INPUT;
    }
    if (!isMedia(probe)) {
      log()({ ...where, bucket: input.bucket, object: input.object }, 'a task input has no audio or video; the task fails with MPC.10154');
      return UNREADABLE_INPUT;
    }
    return probe;
  };

  /** A task's input playlist and the segments it names (beside it in the store), into `dir`; their media is the first segment's, for the playlist's length. */
  const downloadPlaylist = async (
    input: { bucket: string; object: string },
    dir: string,
    where: Record<string, unknown>,
    probeOptions: { signal: AbortSignal; timeoutMs: number },
  ): Promise<{ dir: string; playlist: string; media: MediaFile } | Outcome> => {
    const refuse = (reason: string) => {
      log()({ ...where, bucket: input.bucket, object: input.object, reason }, `a task's input playlist cannot be read: ${reason}; the task fails with MPC.10154`);
      return UNREADABLE_INPUT;
    };
    const head = await objects.head(input.bucket, input.object);
    if (!head) return INPUT_MISSING;
    if (head.size > PLAYLIST_MAX_BYTES) return refuse(`it is larger than ${PLAYLIST_MAX_BYTES} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await objects.get(input.bucket, input.object)) chunks.push(chunk as Buffer);
    const playlist = Buffer.concat(chunks).toString('utf8');
    const list = readMediaPlaylist(playlist);
    if ('refused' in list) return refuse(list.refused);
    const hls = join(dir, 'hls');
    mkdirSync(hls);
    const base = input.object.includes('/') ? input.object.slice(0, input.object.lastIndexOf('/') + 1) : '';
    let total = head.size;
    for (const name of list.segments) {
      const segment = { bucket: input.bucket, object: `${base}${name}` };
      const found = await objects.head(segment.bucket, segment.object);
      if (!found) {
        log()({ ...where, bucket: segment.bucket, object: segment.object }, 'a segment the input playlist names is not in the store; the task fails with MPC.10053');
        return INPUT_MISSING;
      }
      total += found.size;
      if (total > media.maxInputBytes) return refuse(`its segments add up to more than --media-max-input (${media.maxInputBytes} bytes)`);
      // The names are checked (plain file names), so they are safe as the scratch files' names.
      await pipeline(await objects.get(segment.bucket, segment.object), createWriteStream(join(hls, name)));
    }
    // The first segment says what the media is; the others are encrypted as bytes, never read by ffmpeg.
    const first = { bucket: input.bucket, object: `${base}${list.segments[0]!}` };
    const probe = await probeInput(join(hls, list.segments[0]!), first, where, probeOptions);
    if ('outcome' in probe) return probe;
    return { dir: hls, playlist, media: { ...mediaOfProbe(probe, total), duration: Math.max(1, Math.round(list.duration)) } };
  };

  /** The HLS in `dir` encrypted in place: each segment its playlist names, then the playlist naming the key. */
  const encryptHls = async (dir: string, { playlist, key }: { playlist: string; key: ContentKey }) => {
    const path = join(dir, playlist);
    const text = readFileSync(path, 'utf8');
    const list = readMediaPlaylist(text);
    if ('refused' in list) throw new Error(`the HLS written cannot be encrypted: ${list.refused}`);
    for (const [i, name] of list.segments.entries()) {
      const segment = join(dir, name);
      await pipeline(createReadStream(segment), segmentCipher(key, list.sequence + i), createWriteStream(`${segment}.encrypted`));
      renameSync(`${segment}.encrypted`, segment);
    }
    writeFileSync(path, encryptedPlaylist(text, key));
  };

  /** The whole processing of one task: what its success gate will answer. */
  const processTask = async (kind: TaskKind, task: TaskDocument, plan: TaskPlan, where: Record<string, unknown>, job: Job): Promise<GateAnswer> => {
    const dir = mkdtempSync(join(scratch, 'task-'));
    const signal = job.abort.signal;
    const deadline = Date.now() + media.timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    const finishing: Array<Promise<void>> = [];
    let failure: { error: unknown } | undefined;
    try {
      const made = TASK_MEDIA[kind.name];
      const probed: Record<string, MediaFile> = {};
      /** Each input's downloaded file, by `bucket/object`. */
      const paths = new Map<string, string>();
      const inputs = inputsOf(kind.name, plan.request);
      let hls: { dir: string; playlist: string } | undefined;
      for (const [i, input] of inputs.entries()) {
        if (made?.input === 'playlist') {
          const got = await downloadPlaylist(input, dir, where, { signal, timeoutMs: left() });
          if ('outcome' in got) return { fail: got };
          probed[`${input.bucket}/${input.object}`] = got.media;
          hls = got;
          continue;
        }
        const got = await download(input, dir, i);
        if ('outcome' in got) return { fail: got };
        const probe = await probeInput(got.path, input, where, { signal, timeoutMs: left() });
        if ('outcome' in probe) return { fail: probe };
        probed[`${input.bucket}/${input.object}`] = mediaOfProbe(probe, got.size);
        paths.set(`${input.bucket}/${input.object}`, got.path);
      }
      const probedPlan: TaskPlan = { ...plan, probed };
      // A kind ffmpeg does not make yet: the copies of task-files.ts, with the input's real figures.
      if (!made) {
        const { answer, written } = await writeOutputs(kind, task, probedPlan, where);
        job.written.push(...written);
        return answer;
      }
      const fields = KIND_DOCUMENTS[kind.name].succeeded(task, probedPlan);
      const steps = made.steps(fields, task, probedPlan);
      const bytes: number[] = [];
      const outputs: Array<MediaFile | undefined> = [];
      const tars = new Map<string, { bucket: string; prefix: string; output: number; entries: Array<{ name: string; bytes: Buffer }> }>();
      // Each output is uploaded and probed while ffmpeg makes the next: the store's time hides behind the encoding.
      for (const [j, step] of steps.entries()) {
        if (failure) throw failure.error;
        const out = join(dir, `out-${j}`);
        mkdirSync(out);
        if (step.copyInput !== undefined && hls) {
          for (const name of readdirSync(hls.dir)) copyFileSync(join(hls.dir, name), join(out, name));
          writeFileSync(join(out, step.copyInput), hls.playlist);
        }
        if (step.args) {
          const seek = step.seek !== undefined ? ['-ss', step.seek.toFixed(3)] : [];
          const reads = (step.inputs ?? inputs.slice(0, 1)).flatMap((input) => [...seek, ...SAFE_INPUT, '-i', paths.get(`${input.bucket}/${input.object}`)!]);
          await runTool(media.tools.ffmpeg, [...QUIET, ...reads, ...step.args(out)], { signal, timeoutMs: left() });
        }
        if (step.tar) {
          const tar = tars.get(step.tar) ?? { bucket: step.bucket, prefix: step.prefix, output: step.output, entries: [] };
          for (const name of readdirSync(out)) tar.entries.push({ name, bytes: readFileSync(join(out, name)) });
          tars.set(step.tar, tar);
        }
        const finish = async () => {
          if (step.probe) {
            // The mock's own output, read as it is (a playlist opens its segments), before it is encrypted.
            const probe = await probeFile(media.tools, join(out, step.probe), { signal, timeoutMs: left(), trusted: true });
            outputs[step.output] = mediaOfProbe(probe, 0);
          }
          if (step.encrypt) await encryptHls(out, step.encrypt);
          bytes[step.output] = (bytes[step.output] ?? 0) + (await upload(out, step.bucket, step.prefix, job.written));
        };
        // One at a time after the one before: `written` and `bytes` grow in order; a failure is thrown before
        // the next encode (and by the wait below), as it was.
        const chained = (finishing.at(-1) ?? Promise.resolve()).then(finish);
        chained.catch((error: unknown) => void (failure ??= { error }));
        finishing.push(chained);
      }
      await Promise.all(finishing);
      for (const [name, tar] of tars) {
        const packed = await packTar(tar.entries);
        const key = joined(tar.prefix, name);
        await objects.put(tar.bucket, key, packed, packed.length);
        job.written.push({ bucket: tar.bucket, key });
        bytes[tar.output] = (bytes[tar.output] ?? 0) + packed.length;
      }
      return { written: made.measured(fields, { bytes, media: outputs }) };
    } catch (error) {
      // Uploads under way finish (or fail) before what they wrote is taken back.
      await Promise.allSettled(finishing);
      await removeAll(job.written.splice(0));
      if (error instanceof MediaRunError) {
        if (error.killed === 'aborted') return { fail: PROCESSING_FAILED };
        log()({ ...where, stderr: error.stderr, reason: error.message }, `ffmpeg failed on a task (${error.message}); the task fails with MPC.10105`);
        return { fail: PROCESSING_FAILED };
      }
      const gone = missingOf(error);
      if (gone === 'bucket') return { fail: OUTPUT_PATH_INVALID };
      log()({ ...where, err: error }, 'the object store failed while a task was processed; the task fails with MPC.10210');
      return { fail: STORE_FAILED };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  /** Starts a task's processing in a slot (waiting for one); `then` hears when the slot was granted. */
  const startJob = (kind: TaskKind, projectId: string, task: TaskDocument, plan: TaskPlan, granted: () => void): Job => {
    const key = taskKey(kind, projectId, task.task_id);
    const where = { kind: kind.path, project_id: projectId, task_id: task.task_id };
    const job: Job = { abort: new AbortController(), written: [], done: Promise.resolve() };
    jobs.set(key, job);
    job.done = acquire(key, job.abort.signal).then(async (slot) => {
      if (!slot) return;
      try {
        granted();
        job.answer = await processTask(kind, task, plan, where, job);
      } finally {
        release();
      }
      const status = statusOf(kind, projectId, task.task_id);
      if (job.abort.signal.aborted || status === undefined || kind.finalStatuses.includes(status)) {
        // Canceled, removed or reset while it ran: nothing it wrote stays.
        jobs.delete(key);
        await removeAll(job.written);
        return;
      }
      resume(kind, projectId, task.task_id);
    });
    return job;
  };

  const willSucceed = (kind: TaskKind, plan: TaskPlan) => ((plan as TaskPlan & { path?: string[] }).path ?? []).includes(kind.succeededStatus);

  const stop = (key: string) => {
    const job = jobs.get(key);
    if (!job) return;
    // A job still waiting for a slot gives up its place; a running one has its ffmpeg killed.
    job.abort.abort();
    jobs.delete(key);
    void job.done.then(() => removeAll(job.written));
  };

  return {
    gate(kind, projectId, task, status, plan) {
      const starting = status === kind.states[kind.states.length - 2];
      const succeeding = status === kind.succeededStatus;
      if (!starting && !succeeding) {
        // Leaving the running state any other way (an outcome's FAILED, a CANCELED): the processing stops.
        if (kind.finalStatuses.includes(status)) stop(taskKey(kind, projectId, task.task_id));
        return 'pass';
      }
      const key = taskKey(kind, projectId, task.task_id);
      if (succeeding) {
        const job = jobs.get(key);
        if (!job) {
          // Its processing was in a process that stopped (or the task skipped its start): it runs now.
          startJob(kind, projectId, task, plan, () => {});
          return 'hold';
        }
        if (job.answer === undefined) return 'hold';
        jobs.delete(key);
        return job.answer;
      }
      const startKey = gateKey(kind, projectId, task.task_id, status);
      const known = answers.get(startKey);
      if (known !== undefined) {
        if (known !== 'hold') answers.delete(startKey);
        return known;
      }
      answers.set(startKey, 'hold');
      const where = { kind: kind.path, project_id: projectId, task_id: task.task_id };
      void checkInput(kind, plan, where).then((answer) => {
        const go = (a: GateAnswer) => {
          answers.set(startKey, a);
          if (!resume(kind, projectId, task.task_id)) answers.delete(startKey);
        };
        // A task that is not to succeed needs no processing, and no slot.
        if (answer !== 'pass' || !willSucceed(kind, plan)) return go(answer);
        // It starts once a slot is its.
        startJob(kind, projectId, task, plan, () => go('pass'));
      });
      return 'hold';
    },

    async finish(kind, projectId, task, status, plan) {
      const where = { kind: kind.path, project_id: projectId, task_id: task.task_id };
      const input = await checkInput(kind, plan, where);
      if (input !== 'pass' || status !== kind.succeededStatus) return input;
      // A synchronous create waits for its slot and its processing while its request waits.
      const job: Job = { abort: new AbortController(), written: [], done: Promise.resolve() };
      await acquire(taskKey(kind, projectId, task.task_id), job.abort.signal);
      try {
        return await processTask(kind, task, plan, where, job);
      } finally {
        release();
      }
    },

    cancel(kind, projectId, taskId) {
      stop(taskKey(kind, projectId, taskId));
    },

    cancelScope(projectId, kindName) {
      for (const key of [...jobs.keys()]) {
        const [kindOfKey, projectOfKey] = key.split('\u0000');
        if ((projectId === undefined || projectOfKey === projectId) && (kindName === undefined || kindOfKey === kindName)) stop(key);
      }
      for (const key of [...answers.keys()]) {
        const [kindOfKey, projectOfKey] = key.split('\u0000');
        if ((projectId === undefined || projectOfKey === projectId) && (kindName === undefined || kindOfKey === kindName)) answers.delete(key);
      }
    },

    async close() {
      const running = [...jobs.values()];
      for (const job of running) job.abort.abort();
      await Promise.race([Promise.allSettled(running.map((j) => j.done)), new Promise((r) => setTimeout(r, 5000).unref())]);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
