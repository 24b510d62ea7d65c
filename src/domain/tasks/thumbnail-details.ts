// The VOD snapshot-details query (SPEC section 3). A task's details are the ones a fixture gave explicitly,
// or else the pictures of a succeeded snapshot task with that id, with offsets and URLs derived from it.
import type { operations } from '../../contract/mpc-api.generated.js';
import { SHARED_PROJECT, taskOf, type TaskStore, type ThumbnailDetail } from '../../storage/tasks/task-store.js';
import { taskKind, type TaskDocument } from './task-kinds.js';

/** The query as the document defines it, with offset and limit defaulted. */
export type ThumbnailDetailsParams = Required<operations['ListThumbnailDetails']['parameters']['query']>;

export interface ThumbnailDetailsPage {
  total: number;
  /** null when the task has no snapshots at all, as the vendor's example shows. */
  thumbnails: ThumbnailDetail[] | null;
}

interface ObsLocation {
  bucket: string;
  location: string;
  object: string;
}

/** The public URL of an object in OBS: https://<bucket>.obs.<region>.myhuaweicloud.com/<key>. */
export function obsObjectUrl(output: ObsLocation, name: string): string {
  const dir = output.object.replace(/^\/+|\/+$/g, '');
  const key = (dir ? `${dir}/${name}` : name).split('/').map(encodeURIComponent).join('/');
  return `https://${output.bucket}.obs.${output.location}.myhuaweicloud.com/${key}`;
}

/**
 * The details of a succeeded snapshot task: one per picture in thumbnail_info. MPC names time-point snapshots
 * after their second (`9.jpg`); a name without a number takes its place in the list as its offset.
 * Deviation: the real VOD service reports the offsets it recorded; the mock derives them from the names.
 */
export function snapshotTaskDetails(task: TaskDocument): ThumbnailDetail[] {
  const output = task.output as ObsLocation | undefined;
  const pictures = (task.thumbnail_info as Array<{ pic_name: string }> | undefined) ?? [];
  if (!output) return [];
  return pictures
    .map((pic, index) => {
      const m = /^(\d+)(?:\.\w+)?$/.exec(pic.pic_name);
      return { offset: m ? Number(m[1]) : index, url: obsObjectUrl(output, pic.pic_name) };
    })
    .sort((a, b) => a.offset - b.offset || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

const SNAPSHOT = taskKind('snapshot');

export function listThumbnailDetails(store: TaskStore, projectId: string, params: ThumbnailDetailsParams): ThumbnailDetailsPage {
  const { task_id: taskId, offset, limit } = params;

  // Explicit details: the project's own first, else the shared ones.
  for (const owner of [projectId, SHARED_PROJECT]) {
    const total = store.countThumbnailDetails(owner, taskId);
    if (total > 0) return { total, thumbnails: store.listThumbnailDetails(owner, taskId, limit, offset) };
  }

  const [row] = store.findTasks(SNAPSHOT.name, projectId, [taskId], SNAPSHOT.succeededStatus);
  const all = row ? snapshotTaskDetails(taskOf(row)) : [];
  if (all.length === 0) return { total: 0, thumbnails: null };
  return { total: all.length, thumbnails: all.slice(offset, offset + limit) };
}
