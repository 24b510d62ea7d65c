// What test/fuzz.test.ts found, pinned as plain cases, so that each stays fixed whatever seed the fuzzer runs.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildTestApp, invalid, type TestApp } from './helper.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

it('reads POST /_mock/tasks with no body and no Content-Type as an empty fixture file: 200, nothing added (was a 500)', async () => {
  // A body-less POST reaches the handler as undefined; the fixture check took `body ?? {}`, the answer did not.
  const res = await t.app.inject({ method: 'POST', url: '/_mock/tasks' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    added: { transcodings: 0, thumbnails: 0, 'animated-graphics': 0, encryptions: 0, 'extract-metadata': 0, remux: 0, 'merge-channels': 0, 'reset-tracks': 0, 'editing-jobs': 0, enhancements: 0, thumbnail_details: 0, transcoding_templates: 0, transcoding_template_groups: 0, watermark_templates: 0, quality_enhance_templates: 0, account: 0 },
  });
});

it('answers GET /_mock/outcomes with a malformed project_id 400, as its document now says', async () => {
  // The response check (test/setup.ts) fails this test when the document defines no 400 for getOutcomes.
  const res = await t.request.get(`/_mock/outcomes?project_id=${'7'.repeat(65)}`).expect(400);
  expect(res.body).toEqual(invalid('project_id must match ^[A-Za-z0-9_-]{1,64}$'));
});
