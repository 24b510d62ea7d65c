import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
let receiver: Server;
const received: any[] = []; // what SMN POSTed to the handler, as parsed JSON
beforeAll(async () => {
  mock = await startMpcMock({ port: 0 });
  await mock.control.clock.freeze('2026-11-25T10:00:00Z');
  // The event handler under test would be here; this one only records what it is sent.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await mock.close();
  receiver.close();
});

it('POSTs TranscodeComplete to the subscribed endpoint when the task ends', async () => {
  const project = 'notify-test';
  const topic = 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:mpc-events';
  const { port } = receiver.address() as { port: number };
  await mock.control.subscriptions.add(topic, `http://127.0.0.1:${port}/smn`);
  // The project's notification configuration, through the vendor API, as the application sets it up.
  await fetch(`${mock.url}/v1/${project}/notification`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ notifications: [{ event_name: 'TranscodeComplete', topic, msg_type: 2, status: 'on' }] }),
  });
  const created = await fetch(`${mock.url}/v1/${project}/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: { bucket: 'media-in', location: 'cn-north-4', object: 'videos/launch-90s.mp4' },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'transcoded/launch' },
      trans_template_id: [7000523],
      user_data: 'order-42',
    }),
  });
  const { task_id } = (await created.json()) as { task_id: number };

  await mock.control.clock.advance(2); // answers once the events it caused are delivered

  const notification = received.find((m) => m.type === 'Notification'); // the first was the SubscriptionConfirmation
  expect(notification.topic_urn).toBe(topic);
  const event = JSON.parse(notification.message); // the MPC event is a JSON string inside SMN's envelope
  expect(event.event_type).toBe('TranscodeComplete');
  expect(event.transcode_info).toMatchObject({ task_id: String(task_id), status: 'SUCCEEDED', user_data: 'order-42' });
  expect(event.transcode_info.media_detail.output_video_paras[0].file_name).toBe('launch-90s_1_854X480_900_0.m3u8');
});
