// SPEC 2.8: with the default fixtures, each seed document's example request returns its example response,
// with ids and times as strings. The bodies below are the vendor's pages verbatim (numbers and all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, PROJECT, type TestApp } from './helper.js';

const documented = {
  '/transcodings?task_id=22123973': {
    is_truncated: 0, total: 1,
    task_array: [{
      task_id: 22123973, status: 'SUCCEEDED', create_time: 20200310031605, end_time: 20200310031623, trans_template_id: [4],
      input: { bucket: 'zitest', location: 'cn-north-7', object: 'ziqiantest.mp4' },
      output: { bucket: 'zitest', location: 'cn-north-7', object: 'test' },
      output_file_name: ['ziqiantest_1_480X270_199_0.m3u8'],
      transcode_detail: {
        multitask_info: [{
          template_id: 4,
          output_file: {
            duration: 59, duration_ms: 0, format: 'HLS', size: 2180,
            video_info: { width: 480, height: 270, bitrate: 231, bitrate_bps: 0, frame_rate: 25000, codec: 'H264' },
            audio_info: [{ codec: 'HEAAC', sample: 44100, channels: 2, bitrate: 64, bitrate_bps: 0 }],
          },
        }],
        input_file: {
          duration: 59, duration_ms: 0, format: 'MOV', size: 2494653,
          video_info: { width: 480, height: 270, bitrate: 199, bitrate_bps: 0, frame_rate: 25000, codec: 'HEVC' },
          audio_info: [{ codec: 'AAC', sample: 48000, channels: 2, bitrate: 128, bitrate_bps: 0 }],
        },
      },
    }],
  },
  '/thumbnails?task_id=7684': {
    task_array: [{
      task_id: 7684, status: 'SUCCEEDED', create_time: 20201118121333, end_time: 20201118121336,
      input: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'ts/22.ts' },
      output: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'out_gamma/thumbnails/query_02' },
      thumbnail_info: [{ pic_name: '9.jpg' }, { pic_name: '5.jpg' }],
    }],
    is_truncated: 0, total: 1,
  },
  '/animated-graphics?task_id=30647': {
    total: 1,
    tasks: [{
      task_id: 30647, status: 'SUCCEED', create_time: 20201119103652, start_time: 20201119103653, end_time: 20201119103708,
      description: 'The task has completed.',
      input: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'mp4/4k.mp4' },
      output: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'out_gamma/gif_file/', file_name: 'file_001.gif' },
      output_param: { format: 'gif', width: 100, height: 50, start: 0, end: 10000, frame_rate: 15 },
    }],
  },
  '/encryptions?task_id=31207': {
    task_array: [{
      task_id: 31207, status: 'SUCCEEDED', create_time: 20201119103952, end_time: 20201119104051,
      input: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'encrypt/m3u8/index.m3u8' },
      output: { bucket: 'obs-apitest-01', location: 'cn-north-5', object: 'out_gamma/encrypt/001' },
      output_file_name: ['index.m3u8'],
    }],
    is_truncated: 0, total: 1,
  },
} as const;

/** SPEC 2.7: the SDK models say string for ids and times, where the docs' examples show numbers. */
function withStringIdsAndTimes(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (key, value) =>
    ['task_id', 'create_time', 'start_time', 'end_time'].includes(key) && typeof value === 'number' ? String(value) : value,
  );
}

describe('the vendor’s documented examples', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it.each(Object.entries(documented))('GET /v1/{project_id}%s returns the documented body', async (path, body) => {
    const res = await t.request.get(`/v1/${PROJECT}${path}`).set('Content-Type', 'application/json').expect(200);
    expect(res.body).toStrictEqual(withStringIdsAndTimes(body));
  });

  it('returns the VOD example body for a task without snapshots', async () => {
    const res = await t.request.get(`/v1/${PROJECT}/asset/thumbnail/details?task_id=unknown`).expect(200);
    expect(res.text).toBe('{"total":0,"thumbnail_result":null}');
  });
});
