import { expect, test } from 'bun:test';
import { observeStream } from '../../src/metrics/stream-observer';

/** Feeds `chunks` through the observer; returns the index of the chunk with which the first token passed. */
async function firstTokenAt(chunks: string[]): Promise<{ at: number | undefined; ended: boolean; body: string }> {
  const encoder = new TextEncoder();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const text of chunks) controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
  let read = 0;
  let at: number | undefined;
  let ended = false;
  const reader = observeStream(source, {
    onFirstToken: () => {
      at ??= read;
    },
    onEnd: () => {
      ended = true;
    },
  }).getReader();
  const decoder = new TextDecoder();
  let body = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    body += decoder.decode(next.value);
    read++;
  }
  return { at, ended, body };
}

const chunk = (delta: Record<string, unknown>) => `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;

test('the first token is seen in a later line of a batch, after a role-only line', async () => {
  const batch = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hi' }) + chunk({ content: ' there' });
  const result = await firstTokenAt([': keep-alive\n\n', batch, 'data: [DONE]\n\n']);
  expect(result.at).toBe(1);
  expect(result.ended).toBe(true);
  expect(result.body).toBe(`: keep-alive\n\n${batch}data: [DONE]\n\n`);
});

test('reasoning and tool calls count; CRLF lines too', async () => {
  expect((await firstTokenAt([chunk({ reasoning_content: 'hm' })])).at).toBe(0);
  expect((await firstTokenAt([chunk({ tool_calls: [{ index: 0, id: 'c' }] })])).at).toBe(0);
  expect((await firstTokenAt([chunk({ content: 'x' }).replace('\n\n', '\r\n\r\n')])).at).toBe(0);
});

test('role-only chunks, [DONE], errors and non-JSON lines carry no token', async () => {
  const result = await firstTokenAt([
    chunk({ role: 'assistant', content: '' }),
    'data: [DONE]\n\n',
    'data: {"error":{"message":"x"}}\n\ndata: null\n\ndata: not json\n\nevent: x\n\n',
    chunk({ tool_calls: [] }),
  ]);
  expect(result.at).toBeUndefined();
  expect(result.ended).toBe(true);
});
