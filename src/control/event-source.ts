// Reads GET /_mock/events with fetch (which, unlike the browser's EventSource, can send the control token):
// the server-sent events of a response body, as the typed client and the dashboard read them.
import type { components } from '../contract/mock-control.generated.js';

export type MockEvent = components['schemas']['MockEvent'];

/** The events of a text/event-stream body, in order, until it ends (or the fetch's signal aborts it). */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<MockEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // The caller's signal ended the stream: that is its end, not an error.
        if ((error as Error).name === 'AbortError') return;
        throw error;
      }
      const { value, done } = chunk;
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      // A message ends at a blank line; its data lines are joined (the mock sends one per message).
      let end: number;
      while ((end = buffered.search(/\r?\n\r?\n/)) >= 0) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = message
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data) yield JSON.parse(data) as MockEvent;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
