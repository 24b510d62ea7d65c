// SPEC 1.2: a query sees only its own project's tasks and the shared fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskDocument } from '../src/domain/tasks/task-kinds.js';
import { buildTestApp, defaultFixtures, FIXTURE_PROJECT, PROJECT, type TestApp } from './helper.js';

describe.each(TASK_KINDS.map((k) => [k.path, k] as const))('projects on /%s', (path, kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());
  const ids = (body: Record<string, unknown>) => (body[kind.listKey] as TaskDocument[]).map((x) => x.task_id);
  const owned = () => defaultFixtures().tasks.filter((x) => x.kind === kind.name && x.projectId === FIXTURE_PROJECT).map((x) => x.task.task_id);
  const shared = () => defaultFixtures().tasks.filter((x) => x.kind === kind.name && x.projectId === null).length;

  it('shows a project its own tasks beside the shared ones', async () => {
    expect(owned().length).toBeGreaterThan(0);
    const res = await t.request.get(`/v1/${FIXTURE_PROJECT}/${kind.urlPath}?size=100`).expect(200);
    expect(res.body.total).toBe(shared() + owned().length);
    for (const id of owned()) expect(ids(res.body)).toContain(id);
  });

  it('hides a project’s tasks from every other project, in lists and lookups', async () => {
    for (const project of [PROJECT, 'other', FIXTURE_PROJECT.toUpperCase()]) {
      const list = await t.request.get(`/v1/${project}/${kind.urlPath}?size=100`).expect(200);
      expect(list.body.total).toBe(shared());
      for (const id of owned()) expect(ids(list.body)).not.toContain(id);
      const lookup = await t.request.get(`/v1/${project}/${kind.urlPath}?${kind.idParam}=${owned()[0]}`).expect(200);
      expect(lookup.body.total).toBe(0);
    }
  });

  it('pages a project’s view as one ordered list of own and shared tasks', async () => {
    const all = await t.request.get(`/v1/${FIXTURE_PROJECT}/${kind.urlPath}?size=100`).expect(200);
    const paged: string[] = [];
    for (let page = 0; page * 4 < all.body.total; page++) {
      paged.push(...ids((await t.request.get(`/v1/${FIXTURE_PROJECT}/${kind.urlPath}?size=4&page=${page}`).expect(200)).body));
    }
    expect(paged).toEqual(ids(all.body));
    const times = (all.body[kind.listKey] as TaskDocument[]).map((x) => x.create_time);
    expect(times).toEqual([...times].sort().reverse());
  });
});
