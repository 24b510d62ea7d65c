// A local HTTP endpoint that records what the mock's SMN deliveries POST to it, and answers with the statuses
// a test gives it (200 when it runs out).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The statuses to answer the next requests with, in order. */
  answers: number[];
  /**
   * Holds the answer to the next request: `arrived` resolves when it came in, `release` answers it with a status.
   * For what happens while a delivery is on its way.
   */
  hold(): { arrived: Promise<void>; release(status: number): void };
  /** The notifications alone (not the subscription confirmations), with their MPC event parsed. */
  notifications(): Array<Received & { event: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers: number[] = [];
  let held: ((answer: (status: number) => void) => void) | undefined;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      const answer = (status: number) => res.writeHead(status).end();
      if (held) {
        const hold = held;
        held = undefined;
        hold(answer);
      } else answer(answers.shift() ?? 200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/smn`,
    received,
    answers,
    hold() {
      let answer: ((status: number) => void) | undefined;
      let release: (status: number) => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        held = (a) => {
          answer = a;
          resolve();
        };
      });
      release = (status) => answer?.(status);
      return { arrived, release };
    },
    notifications: () =>
      received
        .filter((r) => r.body.type === 'Notification')
        .map((r) => {
          let event: Record<string, unknown> = {};
          try {
            event = JSON.parse(r.body.message as string) as Record<string, unknown>;
          } catch {
            // a text message
          }
          return { ...r, event };
        }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
