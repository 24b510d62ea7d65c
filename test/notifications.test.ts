// SPEC 8: event notifications. A project configures which events go to which SMN topic; the control plane
// subscribes local endpoints to topics; tasks' state changes, driven by the frozen test clock, are POSTed in
// SMN's signed envelope, retried, journaled, and bent by fault rules. Receivers are local HTTP servers.
import { createVerify, X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseSubscriptions } from '../src/config.js';
import { stringToSign } from '../src/domain/notifications/smn-signing.js';
import { CREATE_BODIES, obs } from './create-bodies.js';
import { taskKindByPath } from '../src/domain/tasks/task-kinds.js';
import { buildTestApp, invalid, PROJECT, type TestApp, type TestAppOptions } from './helper.js';
import { startReceiver, type Receiver } from './smn-receiver.js';

const TOPIC = 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:mpc-events';
const OTHER_TOPIC = 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:other';
const ALL_EVENTS = ['TranscodeStart', 'TranscodeComplete', 'ThumbnailComplete', 'AnimatedGraphicsComplete', 'ParseComplete', 'RemuxComplete'];

let t: TestApp;
let receiver: Receiver;
const receivers: Receiver[] = [];

async function setUp(options: TestAppOptions = {}) {
  t = await buildTestApp(options);
  // Listening, so that the envelopes' URLs (the certificate's) point at a real address.
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  receiver = await startReceiver();
  receivers.push(receiver);
}
afterEach(async () => {
  await t.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const configure = (notifications: Array<Record<string, unknown>>, project = PROJECT) =>
  t.request.put(`/v1/${project}/notification`).send({ notifications }).expect(204);
const configureAll = (msgType = 2, topic = TOPIC, project = PROJECT) =>
  configure(ALL_EVENTS.map((event_name) => ({ event_name, topic, msg_type: msgType, status: 'on' })), project);
const subscribe = async (endpoint = receiver.url, topic = TOPIC) => {
  const res = await t.request.post('/_mock/subscriptions').send({ topic_urn: topic, endpoint }).expect(201);
  // The confirmation arrives first; waiting for it keeps it out of the way of what a test counts.
  await t.request.post('/_mock/deliveries/wait').send({ match: { type: 'SubscriptionConfirmation', topic_urn: topic }, count: 1, timeout_ms: 5000 }).expect(200);
  return res.body as { id: string };
};
const create = async (path: string, body: Record<string, unknown> = CREATE_BODIES[path]!, project = PROJECT) =>
  String((await t.request.post(`/v1/${project}/${path}`).send(body).expect((r) => expect([200, 202]).toContain(r.status))).body.task_id);
const advance = (seconds: number) => t.request.post('/_mock/clock/advance').send({ seconds }).expect(200);
const events = () => receiver.notifications().map((n) => n.event);

describe('PUT and GET /v1/{project_id}/notification, GET /v1/{project_id}/notification/event', () => {
  beforeEach(() => setUp());

  it('keeps a configuration per project, read back with its defaults', async () => {
    await configure([{ event_name: 'TranscodeComplete', topic: TOPIC }]);
    const res = await t.request.get(`/v1/${PROJECT}/notification`).expect(200);
    expect(res.body).toEqual({ notifications: [{ event_name: 'TranscodeComplete', topic: TOPIC, msg_type: 2, status: 'on' }] });
    expect((await t.request.get('/v1/another-project/notification').expect(200)).body).toEqual({ notifications: [] });
  });

  it('lists the events that can be configured', async () => {
    const res = await t.request.get(`/v1/${PROJECT}/notification/event`).expect(200);
    expect(res.body).toEqual({ event_name: ALL_EVENTS, total: 6 });
  });

  it.each([
    [{ notifications: [{ event_name: 'RemuxStart', topic: TOPIC }] }, 'notifications.0.event_name must be one of TranscodeStart, TranscodeComplete, ThumbnailComplete, AnimatedGraphicsComplete, ParseComplete, RemuxComplete'],
    [{ notifications: [{ event_name: 'TranscodeComplete', topic: TOPIC, msg_type: 4 }] }, 'notifications.0.msg_type must be one of 0, 1, 2, 3'],
    [{ notifications: [{ event_name: 'TranscodeComplete', topic: TOPIC, status: 'maybe' }] }, 'notifications.0.status must be one of on, off'],
    [{ notifications: [{ event_name: 'TranscodeComplete', topic: 'arn:aws:sns:x' }] }, 'notifications.0.topic must match pattern "^urn:smn:"'],
  ])('answers 400 MPC.10202 naming the field for %j', async (body, detail) => {
    const res = await t.request.put(`/v1/${PROJECT}/notification`).send(body).expect(400);
    expect(res.body).toEqual(invalid(detail));
  });

  it.each([
    [{ notifications: [{ topic: TOPIC }] }, 'event_name'],
    [{}, 'notifications'],
  ])('answers 400 MPC.10202 naming a missing field for %j', async (body, field) => {
    const res = await t.request.put(`/v1/${PROJECT}/notification`).send(body).expect(400);
    expect(res.body.error_code).toBe('MPC.10202');
    expect(res.body.error_msg).toContain(field);
  });

  it('refuses an event configured twice', async () => {
    const twice = { event_name: 'TranscodeComplete', topic: TOPIC };
    const res = await t.request.put(`/v1/${PROJECT}/notification`).send({ notifications: [twice, twice] }).expect(400);
    expect(res.body).toEqual(invalid('notifications.1.event_name TranscodeComplete is configured twice'));
  });

  it('is forgotten by a reset of the project, and kept by another project\'s reset', async () => {
    await configure([{ event_name: 'TranscodeComplete', topic: TOPIC }]);
    await configure([{ event_name: 'ThumbnailComplete', topic: TOPIC }], 'p2');
    await t.request.post('/_mock/reset').send({ project_id: 'p2' }).expect(200);
    expect((await t.request.get('/v1/p2/notification').expect(200)).body.notifications).toEqual([]);
    expect((await t.request.get(`/v1/${PROJECT}/notification`).expect(200)).body.notifications).toHaveLength(1);
    await t.request.post('/_mock/reset').send({}).expect(200);
    expect((await t.request.get(`/v1/${PROJECT}/notification`).expect(200)).body.notifications).toEqual([]);
  });

  it('is exported with the project\'s tasks, and loads again through POST /_mock/tasks', async () => {
    await configure([{ event_name: 'TranscodeComplete', topic: TOPIC, msg_type: 3 }]);
    const exported = (await t.request.get(`/_mock/tasks?project_id=${PROJECT}`).expect(200)).body;
    expect(exported.notifications).toEqual([{ event_name: 'TranscodeComplete', topic: TOPIC, msg_type: 3, status: 'on' }]);
    await t.request.post('/_mock/reset').send({ project_id: PROJECT }).expect(200);
    await t.request.post('/_mock/tasks').send(exported).expect(200);
    expect((await t.request.get(`/v1/${PROJECT}/notification`).expect(200)).body.notifications).toEqual(exported.notifications);
  });

  it('refuses notifications in a fixture without project_id', async () => {
    const res = await t.request.post('/_mock/tasks').send({ notifications: [{ event_name: 'TranscodeComplete', topic: TOPIC }] }).expect(400);
    expect(res.body.error_msg).toContain('notifications needs the file\'s project_id');
  });
});

describe('subscriptions (SPEC 8.1)', () => {
  beforeEach(() => setUp());

  it('sends a new subscription a signed SubscriptionConfirmation whose subscribe_url confirms it', async () => {
    const { id } = await subscribe();
    const [confirmation] = receiver.received;
    expect(confirmation!.headers['x-smn-message-type']).toBe('SubscriptionConfirmation');
    expect(confirmation!.headers['x-smn-topic-urn']).toBe(TOPIC);
    const body = confirmation!.body;
    expect(body).toMatchObject({ type: 'SubscriptionConfirmation', topic_urn: TOPIC, signature_version: 'v1' });
    expect(confirmation!.headers['x-smn-message-id']).toBe(body.message_id);
    await verifySignature(body);
    const path = new URL(body.subscribe_url as string).pathname;
    expect(path).toBe(`/_mock/subscriptions/${id}/confirm`);
    expect((await t.request.get(path).expect(200)).body.confirmed).toBe(true);
    expect((await t.request.get('/_mock/subscriptions').expect(200)).body.subscriptions).toEqual([expect.objectContaining({ id, confirmed: true, endpoint: receiver.url })]);
  });

  it('sends to an endpoint with credentials in its URL, and shows and journals it without them', async () => {
    const secret = 'receiver-password-0007';
    const withCredentials = receiver.url.replace('http://', `http://hook-user:${secret}@`);
    const res = await t.request.post('/_mock/subscriptions').send({ topic_urn: TOPIC, endpoint: withCredentials }).expect(201);
    await t.request.post('/_mock/deliveries/wait').send({ match: { type: 'SubscriptionConfirmation' }, count: 1, timeout_ms: 5000 }).expect(200);
    // The receiver got them: basic authentication, from the URL's user-info.
    expect(receiver.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`hook-user:${secret}`).toString('base64')}`);
    const shown = receiver.url.replace('http://', 'http://***@');
    expect(res.body.endpoint).toBe(shown);
    const listed = JSON.stringify((await t.request.get('/_mock/subscriptions').expect(200)).body);
    const journal = JSON.stringify((await t.request.get('/_mock/deliveries').expect(200)).body);
    expect(journal).toContain(shown);
    for (const text of [JSON.stringify(res.body), listed, journal]) expect(text).not.toContain(secret);
  });

  it('removes a subscription, and answers 404 MOCK.0404 for an unknown one', async () => {
    const { id } = await subscribe();
    await t.request.delete(`/_mock/subscriptions/${id}`).expect(204);
    const res = await t.request.delete(`/_mock/subscriptions/${id}`).expect(404);
    expect(res.body).toEqual({ error_code: 'MOCK.0404', error_msg: `Subscription ${id} not found` });
  });

  it('removes a subscription through a notification\'s unsubscribe_url, which then sends it nothing', async () => {
    await configureAll();
    await subscribe();
    await create('transcodings');
    await advance(1);
    const path = new URL(receiver.notifications()[0]!.body.unsubscribe_url as string).pathname;
    expect((await t.request.get(path).expect(200)).body).toMatchObject({ id: 's-1', topic_urn: TOPIC, endpoint: receiver.url });
    expect((await t.request.get('/_mock/subscriptions').expect(200)).body.subscriptions).toEqual([]);
    await advance(5);
    expect(events().map((e) => e.event_type)).toEqual(['TranscodeStart']);
    expect((await t.request.get(path).expect(404)).body.error_code).toBe('MOCK.0404');
  });

  it('serves the certificate and confirms and unsubscribes without the control token, which every other call needs', async () => {
    await t.close();
    await setUp({ controlPlane: { token: 'secret' } });
    const auth = { authorization: 'Bearer secret' };
    const { body } = await t.request.post('/_mock/subscriptions').set(auth).send({ topic_urn: TOPIC, endpoint: receiver.url }).expect(201);
    await t.request.get('/_mock/smn/signing-cert.pem').expect(200);
    await t.request.get(`/_mock/subscriptions/${body.id}/confirm`).expect(200);
    await t.request.get(`/_mock/subscriptions/${body.id}/unsubscribe`).expect(200);
    expect((await t.request.get('/_mock/subscriptions').expect(401)).body.error_code).toBe('MOCK.0401');
    await t.request.get('/_mock/deliveries').expect(401);
  });

  it('answers 400 MPC.10202 naming the field for a bad topic or endpoint', async () => {
    const bad = await t.request.post('/_mock/subscriptions').send({ topic_urn: TOPIC, endpoint: 'ftp://example.com' }).expect(400);
    expect(bad.body.error_msg).toContain('endpoint');
    const missing = await t.request.post('/_mock/subscriptions').send({ endpoint: receiver.url }).expect(400);
    expect(missing.body.error_msg).toContain('topic_urn');
  });
});

/** Checks an envelope's signature as a handler would: the certificate fetched from signing_cert_url. */
async function verifySignature(body: Record<string, unknown>) {
  const certUrl = new URL(body.signing_cert_url as string);
  const pem = (await t.request.get(certUrl.pathname).expect(200).expect('content-type', /application\/x-pem-file/)).text;
  const cert = new X509Certificate(pem);
  const signed = ['message', 'message_id', body.type === 'Notification' ? 'subject' : 'subscribe_url', 'timestamp', 'topic_urn', 'type']
    .sort()
    .map((name) => `${name}\n${String(body[name])}\n`)
    .join('');
  expect(stringToSign(body)).toBe(signed);
  expect(createVerify('sha256').update(signed).verify(cert.publicKey, body.signature as string, 'base64')).toBe(true);
  // A changed message no longer verifies.
  expect(createVerify('sha256').update(signed.replace('message\n', 'message\nX')).verify(cert.publicKey, body.signature as string, 'base64')).toBe(false);
}

describe('deliveries of task events (SPEC 8)', () => {
  beforeEach(async () => {
    await setUp();
    await configureAll();
    await subscribe();
  });

  it('delivers TranscodeStart when the task leaves the queue and TranscodeComplete when it ends, before the clock call answers', async () => {
    const id = await create('transcodings', { ...CREATE_BODIES.transcodings, user_data: 'order-42' });
    expect(events()).toEqual([]);
    await advance(1);
    expect(events().map((e) => e.event_type)).toEqual(['TranscodeStart']);
    expect(events()[0]).toEqual({
      event_type: 'TranscodeStart',
      transcode_info: {
        task_id: id,
        status: 'TRANSCODING',
        create_time: '20261125100000',
        input: obs('videos/intro-60s.mp4'),
        output: obs('transcoded/intro', 'media-out'),
        user_data: 'order-42',
      },
    });
    await advance(1);
    const complete = receiver.notifications()[1]!;
    expect(complete.headers).toMatchObject({ 'x-smn-message-type': 'Notification', 'x-smn-topic-urn': TOPIC, 'content-type': 'application/json; charset=UTF-8' });
    expect(complete.headers['x-smn-message-id']).toBe(complete.body.message_id);
    expect(complete.body).toMatchObject({ type: 'Notification', topic_urn: TOPIC, subject: 'TranscodeComplete', timestamp: '2026-11-25T10:00:02Z', signature_version: 'v1' });
    expect(new URL(complete.body.unsubscribe_url as string).pathname).toBe('/_mock/subscriptions/s-1/unsubscribe');
    expect(typeof complete.body.message).toBe('string');
    await verifySignature(complete.body);
    const info = complete.event.transcode_info as Record<string, any>;
    expect(complete.event.event_type).toBe('TranscodeComplete');
    expect(info).toMatchObject({ task_id: id, status: 'SUCCEEDED', end_time: '20261125100002', user_data: 'order-42', error_code: 'MPC.10218', description: 'The task has completed.' });
    expect(info.xcode_error).toBeUndefined();
    const media = info.media_detail;
    expect(media.features).toEqual(['TRANSCODE']);
    expect(media.origin_para).toMatchObject({ duration: 60, duration_ms: 60000, file_format: 'MP4' });
    // Reference section 14: size in KB beside size_byte.
    expect(media.origin_para.size).toBe(Math.round(media.origin_para.size_byte / 1024));
    expect(typeof media.origin_para.video.duration).toBe('string');
    expect(media.output_video_paras.map((p: any) => p.template_id)).toEqual([7000523, 7000524]);
    const task = (await t.request.get(`/v1/${PROJECT}/transcodings?task_id=${id}`).expect(200)).body.task_array[0];
    expect(media.output_video_paras.map((p: any) => p.file_name)).toEqual(task.output_file_name);
    expect(media.output_video_paras[0].output).toEqual({ ...obs(`transcoded/intro/${task.output_file_name[0]}`, 'media-out') });
  });

  it('reports a failed transcoding with its code and without media_detail', async () => {
    const id = await create('transcodings', { ...CREATE_BODIES.transcodings, input: obs('videos/fail-broken.mp4') });
    await advance(5);
    const complete = events().find((e) => e.event_type === 'TranscodeComplete')!;
    const info = complete.transcode_info as Record<string, unknown>;
    expect(info).toMatchObject({ task_id: id, status: 'FAILED', error_code: 'MPC.10105', description: 'An error occurred during transcoding.' });
    expect(info.media_detail).toBeUndefined();
  });

  it('reports a partial success as SUCCEEDED with xcode_error and only the outputs made', async () => {
    await t.request.put('/_mock/outcomes').send({ rules: [{ input_object: 'partial-*', outcome: 'partial' }] }).expect(200);
    await create('transcodings', { ...CREATE_BODIES.transcodings, input: obs('videos/partial-60s.mp4') });
    await advance(5);
    const info = events().find((e) => e.event_type === 'TranscodeComplete')!.transcode_info as Record<string, any>;
    expect(info.status).toBe('SUCCEEDED');
    expect(info.xcode_error).toEqual({ error_code: 'mWorker.Template.Video.Resolution', error_msg: 'The output resolution is larger than the source resolution.' });
    expect(info.media_detail.output_video_paras.map((p: any) => p.template_id)).toEqual([7000523]);
  });

  it.each([
    ['thumbnails', 'ThumbnailComplete', 'thumbnail_info', 'SUCCEEDED'],
    ['animated-graphics', 'AnimatedGraphicsComplete', 'animated_graphics_info', 'SUCCEED'],
    ['extract-metadata', 'ParseComplete', 'parse_info', 'SUCCEED'],
    ['remux', 'RemuxComplete', 'remux_info', 'SUCCEED'],
  ])('delivers the completion of a %s task, succeeded and failed', async (path, eventType, key, succeeded) => {
    const ok = await create(path, { ...CREATE_BODIES[path], user_data: 'u1' });
    const failed = await create(path, { ...CREATE_BODIES[path], input: obs('videos/fail-1.mp4') });
    await advance(5);
    const completions = events().filter((e) => e.event_type === eventType);
    expect(completions.map((e) => [(e[key] as any).task_id, (e[key] as any).status])).toEqual([
      [ok, succeeded],
      [failed, 'FAILED'],
    ]);
    expect(completions[0]![key]).toMatchObject({ user_data: 'u1', input: CREATE_BODIES[path]!.input });
    expect(completions[1]![key]).toMatchObject({ description: taskKindByPath(path)!.defaultFailure.description });
    const done = completions[0]![key] as any;
    if (path === 'thumbnails') expect(done.thumbnail_info.length).toBeGreaterThan(0);
    else if (path === 'extract-metadata') expect(done.metadata).toMatchObject({ duration: 60, format: 'MP4' });
    else if (path === 'remux') expect(done).toMatchObject({ output_param: { format: 'MP4' }, output_metadata: { duration: 60, format: 'mp4' } });
    else expect(done.output_param).toEqual(CREATE_BODIES[path]!.output_param);
    // Nothing announces a start but transcoding, and encryption tasks announce nothing.
    expect(events().map((e) => e.event_type)).toEqual([eventType, eventType]);
  });

  it('delivers a synchronous snapshot at once, and a task canceled through the API as CANCELED', async () => {
    await create('thumbnails', { ...CREATE_BODIES.thumbnails, sync: 1, thumbnail_para: { type: 'DOTS', dots: [3] } });
    const id = await create('transcodings');
    await t.request.delete(`/v1/${PROJECT}/transcodings?task_id=${id}`).expect(204);
    await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeComplete' }, timeout_ms: 5000 }).expect(200);
    expect(events().map((e) => e.event_type)).toEqual(['ThumbnailComplete', 'TranscodeComplete']);
    expect((events()[1]!.transcode_info as any).status).toBe('CANCELED');
  });

  it('delivers every event a clock advance crosses, in the order they happened', async () => {
    await create('animated-graphics');
    await create('transcodings');
    await create('thumbnails');
    await create('encryptions');
    await advance(10);
    expect(receiver.notifications().map((n) => [n.event.event_type, n.body.timestamp])).toEqual([
      ['TranscodeStart', '2026-11-25T10:00:01Z'],
      ['TranscodeComplete', '2026-11-25T10:00:02Z'],
      ['ThumbnailComplete', '2026-11-25T10:00:02Z'],
      ['AnimatedGraphicsComplete', '2026-11-25T10:00:03Z'],
    ]);
  });

  it('delivers events of tasks moved by hand before the call answers', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'manual' }).expect(200);
    const id = await create('transcodings');
    await t.request.post(`/_mock/tasks/transcodings/${id}/advance?project_id=${PROJECT}`).expect(200);
    expect(events().map((e) => e.event_type)).toEqual(['TranscodeStart']);
  });

  it('delivers events a read settles without a clock call (reads mode)', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'reads', reads_per_state: 1 }).expect(200);
    const id = await create('thumbnails');
    for (let i = 0; i < 3; i++) await t.request.get(`/v1/${PROJECT}/thumbnails?task_id=${id}`).expect(200);
    const res = await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'ThumbnailComplete', task_id: id }, timeout_ms: 5000 }).expect(200);
    expect(res.body.deliveries[0]).toMatchObject({ outcome: 'delivered', status: 200, attempt: 1, task_id: id, project_id: PROJECT });
  });
});

describe('msg_type and status', () => {
  beforeEach(async () => {
    await setUp();
    await subscribe();
  });

  it('sends text for 1, JSON for 2, both for 3 (text first), nothing for 0 or off', async () => {
    await configure([
      { event_name: 'TranscodeStart', topic: TOPIC, msg_type: 1 },
      { event_name: 'TranscodeComplete', topic: TOPIC, msg_type: 3 },
      { event_name: 'ThumbnailComplete', topic: TOPIC, msg_type: 0 },
      { event_name: 'AnimatedGraphicsComplete', topic: TOPIC, status: 'off' },
    ]);
    const id = await create('transcodings');
    await create('thumbnails');
    await create('animated-graphics');
    await advance(10);
    const messages = receiver.notifications().map((n) => n.body.message as string);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toBe(`TranscodeStart: transcoding task ${id} is TRANSCODING`);
    expect(messages[1]).toBe(`TranscodeComplete: transcoding task ${id} is SUCCEEDED`);
    expect(JSON.parse(messages[2]!).event_type).toBe('TranscodeComplete');
  });
});

describe('two projects with different configurations', () => {
  it('delivers each project\'s events to its own topic only', async () => {
    await setUp();
    const other = await startReceiver();
    receivers.push(other);
    await configure([{ event_name: 'TranscodeComplete', topic: TOPIC }], 'p1');
    await configure([{ event_name: 'TranscodeStart', topic: OTHER_TOPIC }], 'p2');
    await subscribe(receiver.url, TOPIC);
    await subscribe(other.url, OTHER_TOPIC);
    const one = await create('transcodings', CREATE_BODIES.transcodings, 'p1');
    const two = await create('transcodings', CREATE_BODIES.transcodings, 'p2');
    await advance(5);
    expect(receiver.notifications().map((n) => [n.event.event_type, (n.event.transcode_info as any).task_id])).toEqual([['TranscodeComplete', one]]);
    expect(other.notifications().map((n) => [n.event.event_type, (n.event.transcode_info as any).task_id])).toEqual([['TranscodeStart', two]]);
    const journal = (await t.request.get('/_mock/deliveries?project_id=p2').expect(200)).body.deliveries;
    expect(journal.map((d: any) => [d.event_type, d.endpoint])).toEqual([['TranscodeStart', other.url]]);
    const byTopic = (await t.request.get(`/_mock/deliveries?topic_urn=${encodeURIComponent(OTHER_TOPIC)}`).expect(200)).body.deliveries;
    expect(byTopic.map((d: any) => [d.type, d.event_type ?? null, d.endpoint])).toEqual([
      ['SubscriptionConfirmation', null, other.url],
      ['Notification', 'TranscodeStart', other.url],
    ]);
  });
});

describe('retries and the journal (SPEC 8.1)', () => {
  it('retries a failed delivery with doubling backoff on the clock, journaling every attempt', async () => {
    await setUp({ deliveries: { retries: 2, backoffMs: 1000 } });
    await configure([{ event_name: 'TranscodeStart', topic: TOPIC }]);
    await subscribe();
    const id = await create('transcodings');
    receiver.answers.push(500, 503, 500);
    await advance(1);
    const attempts = () => t.request.get(`/_mock/deliveries?event_type=TranscodeStart&task_id=${id}`).expect(200).then((r) => r.body.deliveries as any[]);
    expect((await attempts()).map((d) => [d.attempt, d.outcome, d.status, d.time])).toEqual([[1, 'failed', 500, '2026-11-25T10:00:01.000Z']]);
    await advance(0.999);
    expect(await attempts()).toHaveLength(1);
    await advance(0.001);
    expect((await attempts()).map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
    ]);
    await advance(2);
    const all = await attempts();
    expect(all.map((d) => [d.attempt, d.outcome, d.status, d.time])).toEqual([
      [1, 'failed', 500, '2026-11-25T10:00:01.000Z'],
      [2, 'failed', 503, '2026-11-25T10:00:02.000Z'],
      [3, 'failed', 500, '2026-11-25T10:00:04.000Z'],
    ]);
    // Retries exhausted: nothing more, however far the clock goes.
    await advance(60);
    expect(await attempts()).toHaveLength(3);
    // A wait counts deliveries that succeeded (SPEC 8.1): three failed attempts satisfy none.
    await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeStart' }, count: 1, timeout_ms: 50 }).expect(408);
    // Every attempt sent the same message.
    expect(new Set(all.map((d) => d.message_id)).size).toBe(1);
    expect(all[0].body).toEqual(receiver.received.at(-1)!.body);
  });

  it('waits for deliveries, and answers 408 MOCK.0408 when they do not come', async () => {
    await setUp();
    await configure([{ event_name: 'TranscodeComplete', topic: TOPIC }]);
    await subscribe();
    const res = await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeComplete' }, timeout_ms: 50 }).expect(408);
    expect(res.body).toEqual({ error_code: 'MOCK.0408', error_msg: 'Timed out waiting for 1 delivery matching {"event_type":"TranscodeComplete"} (0 delivered)' });
    await create('transcodings');
    await t.request.post('/_mock/clock/advance').send({ seconds: 2 }).expect(200);
    const ok = await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeComplete' } }).expect(200);
    expect(ok.body.deliveries).toHaveLength(1);
  });
});

describe('fault rules on deliveries', () => {
  beforeEach(async () => {
    await setUp({ deliveries: { retries: 1, backoffMs: 1000 } });
    await configure([
      { event_name: 'TranscodeStart', topic: TOPIC },
      { event_name: 'TranscodeComplete', topic: TOPIC },
    ]);
    await subscribe();
  });
  const fault = (rule: Record<string, unknown>) => t.request.post('/_mock/faults').send(rule).expect(201);
  const types = () => events().map((e) => e.event_type);

  it('drops a delivery, journaled as dropped', async () => {
    const { body: rule } = await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, drop: true });
    await create('transcodings');
    await advance(5);
    expect(types()).toEqual(['TranscodeComplete']);
    const [dropped] = (await t.request.get('/_mock/deliveries?event_type=TranscodeStart').expect(200)).body.deliveries;
    expect(dropped).toMatchObject({ outcome: 'dropped', fault: rule.id, attempt: 1 });
  });

  it('duplicates a delivery with the same message_id', async () => {
    await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, duplicate: true, times: 1 });
    await create('transcodings');
    await advance(5);
    expect(types()).toEqual(['TranscodeStart', 'TranscodeStart', 'TranscodeComplete']);
    const [a, b] = receiver.notifications();
    expect(a!.body.message_id).toBe(b!.body.message_id);
  });

  it('reorders a delivery after the next one', async () => {
    await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, reorder: true });
    await create('transcodings');
    await advance(5);
    expect(types()).toEqual(['TranscodeComplete', 'TranscodeStart']);
  });

  it('reorders a delivery after the next one to the same endpoint, with two endpoints on the topic', async () => {
    const other = await startReceiver();
    receivers.push(other);
    await subscribe(other.url);
    await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, reorder: true });
    await create('transcodings');
    await advance(5);
    for (const r of [receiver, other]) expect(r.notifications().map((n) => n.event.event_type)).toEqual(['TranscodeComplete', 'TranscodeStart']);
  });

  it('holds a reordered delivery until the next one to its endpoint', async () => {
    await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, reorder: true });
    await create('transcodings');
    await advance(1);
    expect(types()).toEqual([]);
    await advance(1);
    expect(types()).toEqual(['TranscodeComplete', 'TranscodeStart']);
  });

  it('delays a delivery on the mock clock', async () => {
    await fault({ match: { delivery: true, event_type: 'TranscodeStart' }, delay_ms: 10_000 });
    await create('transcodings');
    await advance(5);
    expect(types()).toEqual(['TranscodeComplete']);
    await advance(6);
    expect(types()).toEqual(['TranscodeComplete', 'TranscodeStart']);
  });

  it('sends to a dead endpoint, then retries to the real one', async () => {
    await fault({ match: { delivery: true, project_id: PROJECT, kind: 'transcodings', event_type: 'TranscodeStart' }, dead_endpoint: true, times: 1 });
    await create('transcodings');
    await advance(1);
    expect(types()).toEqual([]);
    await advance(1);
    const attempts = (await t.request.get('/_mock/deliveries?event_type=TranscodeStart').expect(200)).body.deliveries;
    expect(attempts.map((d: any) => [d.attempt, d.outcome, d.endpoint])).toEqual([
      [1, 'failed', 'http://127.0.0.1:1/'],
      [2, 'delivered', receiver.url],
    ]);
    expect(attempts[0].error).toBe('ECONNREFUSED');
    expect(types()).toEqual(['TranscodeStart', 'TranscodeComplete']);
  });

  it('leaves requests to the vendor API alone, and refuses delivery actions on request rules', async () => {
    await fault({ match: { delivery: true }, drop: true });
    await t.request.get(`/v1/${PROJECT}/transcodings`).expect(200);
    const res = await t.request.post('/_mock/faults').send({ duplicate: true }).expect(400);
    expect(res.body).toEqual(invalid('duplicate applies to deliveries only: set match.delivery to true'));
    const response = await t.request.post('/_mock/faults').send({ match: { delivery: true }, response: { status: 500 } }).expect(400);
    expect(response.body.error_code).toBe('MPC.10202');
  });
});

describe('on a running clock (time mode)', () => {
  it('delivers a task\'s events when they are due, with no read and no clock call', async () => {
    await setUp({ lifecycle: 'time:0.05' });
    await configureAll();
    await subscribe();
    t.clock.unfreeze();
    const id = await create('transcodings');
    // Nothing reads the task: the mock's one timer wakes it when the next state change is due.
    const res = await t.request.post('/_mock/deliveries/wait').send({ match: { task_id: id }, count: 2, timeout_ms: 5000 }).expect(200);
    expect(res.body.deliveries.map((d: any) => d.event_type)).toEqual(['TranscodeStart', 'TranscodeComplete']);
    expect(t.service.deliveries.list({ task_id: id }).every((d) => d.outcome === 'delivered')).toBe(true);
  });
});

describe('on a running clock, when the settings change', () => {
  it.each([
    ['time:60', { mode: 'time', seconds_per_state: 0.05 }],
    ['manual', { mode: 'time', seconds_per_state: 0.05 }],
  ])('delivers the events of a task started under %s once the lifecycle makes it due sooner', async (lifecycle, setting) => {
    await setUp({ lifecycle });
    await configureAll();
    await subscribe();
    t.clock.unfreeze();
    const id = await create('transcodings');
    await t.request.put('/_mock/lifecycle').send(setting).expect(200);
    // Nothing reads the task: only the one timer, set again for the new due time, can wake it.
    const res = await t.request.post('/_mock/deliveries/wait').send({ match: { task_id: id }, count: 2, timeout_ms: 5000 }).expect(200);
    expect(res.body.deliveries.map((d: any) => d.event_type)).toEqual(['TranscodeStart', 'TranscodeComplete']);
  });

  it('delivers the events of a task created on a frozen clock once it runs (in-process)', async () => {
    await setUp({ lifecycle: 'time:0.05' });
    await configureAll();
    await subscribe();
    const id = await create('transcodings');
    t.clock.unfreeze();
    const res = await t.request.post('/_mock/deliveries/wait').send({ match: { task_id: id }, count: 2, timeout_ms: 5000 }).expect(200);
    expect(res.body.deliveries.map((d: any) => d.event_type)).toEqual(['TranscodeStart', 'TranscodeComplete']);
  });
});

describe('--subscribe', () => {
  it('reads <urn>=<url> pairs, and refuses anything else with one line', () => {
    expect(parseConfig(['--subscribe', `${TOPIC}=http://receiver:4000/smn,${OTHER_TOPIC}=https://b.example/x?a=1`]).subscribe).toBeDefined();
    expect(parseSubscriptions(`${TOPIC}=http://receiver:4000/smn,${OTHER_TOPIC}=https://b.example/x?a=1`)).toEqual([
      { topic_urn: TOPIC, endpoint: 'http://receiver:4000/smn' },
      { topic_urn: OTHER_TOPIC, endpoint: 'https://b.example/x?a=1' },
    ]);
    expect(parseConfig([], { MPC_MOCK_SUBSCRIBE: `${TOPIC}=http://r/smn` }).subscribe).toBe(`${TOPIC}=http://r/smn`);
    expect(() => parseConfig(['--subscribe', 'http://receiver:4000/smn'])).toThrowError(ConfigError);
    expect(() => parseConfig(['--subscribe', `${TOPIC}=ftp://x`])).toThrowError(/--subscribe: .* is not <topic urn>=<http\(s\) url> pairs/);
  });

  it('subscribes from the start, confirms once listening, and comes back after a reset of everything', async () => {
    receiver = await startReceiver();
    receivers.push(receiver);
    t = await buildTestApp({ deliveries: { initial: [{ topic_urn: TOPIC, endpoint: receiver.url }] } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.service.deliveries.kick();
    const wait = { match: { type: 'SubscriptionConfirmation' }, timeout_ms: 5000 };
    await t.request.post('/_mock/deliveries/wait').send(wait).expect(200);
    await t.request.post('/_mock/subscriptions').send({ topic_urn: OTHER_TOPIC, endpoint: receiver.url }).expect(201);
    await t.request.post('/_mock/reset').send({}).expect(200);
    expect((await t.request.get('/_mock/subscriptions').expect(200)).body.subscriptions).toEqual([expect.objectContaining({ id: 's-1', topic_urn: TOPIC, endpoint: receiver.url })]);
    // The confirmation of the subscription made again, to TOPIC (the reset forgot the journal): 3 reached the receiver.
    await t.request.post('/_mock/deliveries/wait').send({ ...wait, match: { type: 'SubscriptionConfirmation', topic_urn: TOPIC } }).expect(200);
    expect(receiver.received.map((r) => [r.body.type, r.body.topic_urn])).toEqual([
      ['SubscriptionConfirmation', TOPIC],
      ['SubscriptionConfirmation', OTHER_TOPIC],
      ['SubscriptionConfirmation', TOPIC],
    ]);
  });
});

describe('a reset', () => {
  it('forgets deliveries and subscriptions', async () => {
    await setUp();
    await configureAll();
    await subscribe();
    expect((await t.request.get('/_mock/deliveries').expect(200)).body.deliveries).toHaveLength(1);
    await t.request.post('/_mock/reset').send({}).expect(200);
    expect((await t.request.get('/_mock/subscriptions').expect(200)).body.subscriptions).toEqual([]);
    expect((await t.request.get('/_mock/deliveries').expect(200)).body.deliveries).toEqual([]);
  });
});

describe('events are judged at the moment they happened', () => {
  beforeEach(() => setUp());

  it('announces nothing that happened before the configuration and the subscription existed', async () => {
    await create('transcodings');
    // Start at 10:00:01 and completion at 10:00:02, with nothing configured and no one subscribed.
    await advance(5);
    await configureAll();
    await subscribe();
    await advance(5);
    expect(receiver.notifications()).toEqual([]);
    expect((await t.request.get('/_mock/deliveries').expect(200)).body.deliveries.map((d: any) => d.type)).toEqual(['SubscriptionConfirmation']);
  });

  it('announces what happened while the configuration was on, though it was turned off before the mock looked', async () => {
    await configureAll();
    await subscribe();
    await create('transcodings');
    // The clock moves with nothing settling the task (as between two wakes of a running clock).
    t.service.clock.advance(5);
    await configure(ALL_EVENTS.map((event_name) => ({ event_name, topic: TOPIC, status: 'off' })));
    await advance(0.001);
    expect(receiver.notifications().map((n) => [n.event.event_type, n.body.timestamp])).toEqual([
      ['TranscodeStart', '2026-11-25T10:00:01Z'],
      ['TranscodeComplete', '2026-11-25T10:00:02Z'],
    ]);
  });

  it('sends a subscription nothing that happened before it was made', async () => {
    await configureAll();
    await create('transcodings');
    t.service.clock.advance(5);
    await subscribe();
    await advance(5);
    expect(receiver.notifications()).toEqual([]);
  });
});

describe('a slow endpoint', () => {
  it('holds up only its own deliveries: another subscription\'s go out beside it', async () => {
    await setUp();
    const slow = await startReceiver();
    receivers.push(slow);
    await configure([{ event_name: 'TranscodeStart', topic: TOPIC }]);
    // Subscribed first, so its message is first in the queue.
    await subscribe(slow.url);
    await subscribe(receiver.url);
    const held = slow.hold();
    await create('transcodings');
    // In-process: the call does not wait for the deliveries.
    t.clock.advance(1);
    await held.arrived;
    await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeStart' }, timeout_ms: 3000 }).expect(200);
    expect(events().map((e) => e.event_type)).toEqual(['TranscodeStart']);
    held.release(200);
    await t.service.deliveries.drain(5000);
    expect(slow.notifications()).toHaveLength(1);
  });
});

describe('a reset of one kind', () => {
  it('drops the queued deliveries of that kind\'s events, retries included, and keeps the others', async () => {
    await setUp({ deliveries: { retries: 2, backoffMs: 1000 } });
    await configureAll();
    await subscribe();
    const transcoding = await create('transcodings');
    const thumbnail = await create('thumbnails');
    // TranscodeStart (10:00:01) fails once: its retry is queued 1 s later.
    receiver.answers.push(500);
    await advance(1);
    await t.service.deliveries.drain(5000);
    await t.request.post('/_mock/reset').send({ project_id: PROJECT, kind: 'transcodings' }).expect(200);
    await advance(10);
    const attempts = (await t.request.get(`/_mock/deliveries?task_id=${transcoding}`).expect(200)).body.deliveries;
    expect(attempts.map((d: any) => [d.event_type, d.attempt, d.outcome])).toEqual([['TranscodeStart', 1, 'failed']]);
    await t.request.post('/_mock/deliveries/wait').send({ match: { task_id: thumbnail }, timeout_ms: 5000 }).expect(200);
  });
});

describe('a delivery on its way when its subscription goes', () => {
  beforeEach(async () => {
    await setUp({ deliveries: { retries: 2, backoffMs: 1000 } });
    await configure([{ event_name: 'TranscodeStart', topic: TOPIC }]);
    await subscribe();
  });

  /** Holds the TranscodeStart delivery at the receiver; answers a function that fails it and waits for the mock. */
  const holdStart = async () => {
    const held = receiver.hold();
    await create('transcodings');
    // In-process: the call does not wait for the delivery the receiver holds.
    t.clock.advance(1);
    await held.arrived;
    return async () => {
      held.release(500);
      await t.service.deliveries.drain(5000);
    };
  };

  it('is forgotten by a reset of everything: not journaled, not retried, and no wait after the reset sees it', async () => {
    const fail = await holdStart();
    await t.request.post('/_mock/reset').send({}).expect(200);
    await fail();
    expect((await t.request.get('/_mock/deliveries').expect(200)).body.deliveries).toEqual([]);
    // The next subscription gets the id s-1 again: nothing of the old one is delivered to it or counted for it.
    const next = await startReceiver();
    receivers.push(next);
    expect((await subscribe(next.url)).id).toBe('s-1');
    await advance(10);
    expect(next.notifications()).toEqual([]);
    expect(receiver.received).toHaveLength(2);
    await t.request.post('/_mock/deliveries/wait').send({ match: { event_type: 'TranscodeStart' }, timeout_ms: 50 }).expect(408);
  });

  it('is forgotten when its subscription is removed: not journaled, not retried', async () => {
    const fail = await holdStart();
    await t.request.delete('/_mock/subscriptions/s-1').expect(204);
    await fail();
    expect((await t.request.get('/_mock/deliveries?event_type=TranscodeStart').expect(200)).body.deliveries).toEqual([]);
    await advance(10);
    expect(receiver.notifications()).toHaveLength(1);
  });
});
