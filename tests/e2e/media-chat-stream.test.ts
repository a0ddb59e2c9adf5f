import { afterEach, expect, test } from 'bun:test';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Image and video models through /v1/chat/completions go through the same stream pipeline as
 * chat: keep-alives while the media is being made, one error event then [DONE] on failure.
 */

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

/** The raw SSE lines of a streamed chat completion. */
async function streamLines(h: Harness, body: Record<string, unknown>): Promise<string[]> {
  const response = await h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return (await response.text()).split('\n\n').filter((line) => line !== '');
}

const dataOf = (line: string) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>;

test('a video through chat sends keep-alives while the upstream is silent, then the video and [DONE]', async () => {
  const h = (harness = await startHarness({ env: { GROK2API_CHAT_KEEPALIVE_INTERVAL: '0.2' } }));
  h.simulator.enqueueFault({
    kind: 'slow_first_byte',
    delayMs: 900,
    match: { path: '/rest/app-chat/conversations/new' },
  });
  const lines = await streamLines(h, {
    model: 'grok-imagine-1.0-video',
    messages: [{ role: 'user', content: 'a wave' }],
  });
  expect(lines.filter((line) => line === ': keep-alive').length).toBeGreaterThanOrEqual(2);
  expect(lines.at(-1)).toBe('data: [DONE]');
  const chunks = lines.filter((line) => line.startsWith('data: {')).map(dataOf);
  expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] });
  const content = chunks
    .map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')
    .join('');
  expect(content).toContain('/v1/files/video/');
  expect((chunks.at(-1)!.choices as { finish_reason: string }[])[0]!.finish_reason).toBe('stop');
});

test('a moderated video through chat ends the stream with exactly one error event, then [DONE]', async () => {
  const h = (harness = await startHarness());
  h.simulator.enqueueFault({ kind: 'moderated' });
  const lines = await streamLines(h, {
    model: 'grok-imagine-1.0-video',
    messages: [{ role: 'user', content: 'a wave' }],
  });
  const errors = lines.filter((line) => line.startsWith('data: {"error"'));
  expect(errors).toHaveLength(1);
  expect(dataOf(errors[0]!)).toMatchObject({ error: { code: 'content_policy_violation' } });
  expect(lines.at(-1)).toBe('data: [DONE]');
  expect(lines.indexOf(errors[0]!)).toBe(lines.length - 2);
  const chunks = lines.filter((line) => line.startsWith('data: {"id"')).map(dataOf);
  expect(
    chunks.some((chunk) => (chunk.choices as { finish_reason: string | null }[])[0]?.finish_reason === 'stop'),
  ).toBe(false);
});

test('moderated images through chat end the stream with one content-policy error event, then [DONE]', async () => {
  const h = (harness = await startHarness());
  h.simulator.enqueueFault({ kind: 'moderated' });
  const lines = await streamLines(h, { model: 'grok-imagine-1.0', messages: [{ role: 'user', content: 'dogs' }] });
  const errors = lines.filter((line) => line.startsWith('data: {"error"'));
  expect(errors).toHaveLength(1);
  expect(dataOf(errors[0]!)).toMatchObject({ error: { code: 'content_policy_violation' } });
  expect(lines.at(-1)).toBe('data: [DONE]');
});

test('images through chat, not streamed: one chat.completion whose content is the markdown images', async () => {
  const h = (harness = await startHarness());
  const response = await h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({
      model: 'grok-imagine-1.0',
      messages: [{ role: 'user', content: 'dogs' }],
      image_config: { n: 2 },
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    object: string;
    choices: { message: { content: string }; finish_reason: string }[];
  };
  expect(body.object).toBe('chat.completion');
  expect(body.choices[0]!.finish_reason).toBe('stop');
  expect(body.choices[0]!.message.content.match(/!\[image\]\(/g)).toHaveLength(2);
});
