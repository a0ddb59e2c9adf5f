/**
 * CPU of the time-to-first-token observer (src/metrics/stream-observer.ts) on one streamed answer,
 * alone: a role chunk, then the answer's chunks in one body chunk, as the WebSocket transport
 * batches a network read (`BENCH_FRAMES` frames, default 400; 2 for a short answer). No network.
 *
 *   ./node_modules/.bin/bun bench/stream-observer.ts
 */
import { observeStream } from '../src/metrics/stream-observer';

const FRAMES = Number(process.env.BENCH_FRAMES || 400);
const COUNT = Number(process.env.BENCH_COUNT || 5000);
const encoder = new TextEncoder();
const chunk = (delta: Record<string, unknown>) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-0123456789abcdef01234567',
    object: 'chat.completion.chunk',
    created: 1_765_000_000,
    model: 'grok-4.1-fast',
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
  })}\n\n`;
const parts = [
  encoder.encode(chunk({ role: 'assistant', content: '' })),
  encoder.encode(Array.from({ length: FRAMES }, (_, index) => chunk({ content: ` word${index}` })).join('')),
];

async function answers(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    const reader = observeStream(body, { onFirstToken() {}, onEnd() {} }).getReader();
    while (!(await reader.read()).done);
  }
}

await answers(COUNT); // warm-up
const results: string[] = [];
for (let round = 0; round < 3; round++) {
  const before = process.cpuUsage();
  await answers(COUNT);
  const used = process.cpuUsage(before);
  results.push(((used.user + used.system) / COUNT).toFixed(1));
}
console.log(`observed answer of ${FRAMES} frames in one body chunk: ${results.join(', ')} µs CPU each`);
