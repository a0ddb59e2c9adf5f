/**
 * SSE/NDJSON transform throughput in isolation: upstream bytes → frame decoder → frame parser →
 * answer assembler → chat chunk encoding (SSE bytes), with no network. The input is a real answer
 * body captured once from the simulator (in-process, loopback), replayed from memory in reads of
 * TRANSFORM_READ_BYTES (default 4096) so frames are split across reads as on a socket.
 *
 *   ./node_modules/.bin/bun bench/transform.ts
 *   TRANSFORM_SECONDS=5 ./node_modules/.bin/bun bench/transform.ts
 */
import { AnswerAssembler } from '../src/conversation/answer-assembler';
import { ChunkBuilder } from '../src/openai/chat/chunk-builder';
import { ChatStreamEncoder } from '../src/openai/chat/stream-response';
import { AnswerLimits } from '../src/openai/chat/answer-limits';
import { FrameDecoder } from '../src/upstream/grok/frame-decoder';
import { FrameParser } from '../src/upstream/grok/frame-parser';
import { startSimulator } from '../src/simulator/server';

const SECONDS = Number(process.env.TRANSFORM_SECONDS || 3);
const READ_BYTES = Number(process.env.TRANSFORM_READ_BYTES || 4096);

const answer = 'The keeper lit the lamp every night for forty years, and the ships passed safely. '.repeat(40);
const thinking = 'Consider the story: a lighthouse, a keeper, a storm. '.repeat(10);
const simulator = await startSimulator({ acceptUnknownTokens: true });
simulator.script({ answer, thinking });
const upstream = await fetch(`${simulator.url}/rest/app-chat/conversations/new`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    cookie: 'sso=transform-bench',
    'x-statsig-id': 'ZTpUeXBlRXJyb3I6IENhbm5vdCByZWFkIHByb3BlcnRpZXMgb2YgdW5kZWZpbmVkIChyZWFkaW5nICdjaGlsZE5vZGVzJyk=',
  },
  body: JSON.stringify({ message: 'hello', modeId: 'fast', temporary: true, fileAttachments: [] }),
});
if (!upstream.ok) throw new Error(`simulator answered ${upstream.status}`);
const body = new Uint8Array(await upstream.arrayBuffer());
await simulator.stop();

const reads: Uint8Array[] = [];
for (let offset = 0; offset < body.length; offset += READ_BYTES) reads.push(body.subarray(offset, offset + READ_BYTES));

/** One whole answer through the pipeline; returns the SSE bytes produced. */
function transformOnce(): number {
  const decoder = new FrameDecoder();
  const parser = new FrameParser({
    assetsUrl: 'https://assets.grok.com',
    filterTags: ['xaiartifact', 'xai:tool_usage_card', 'grok:render'],
  });
  const assembler = new AnswerAssembler(null);
  const chunks = new ChunkBuilder('chatcmpl-bench', 1_700_000_000, 'grok-4.1-fast', 'reasoning_content', assembler);
  const encoder = new ChatStreamEncoder(chunks, () => ({ usage: null }), new AnswerLimits(null, null));
  let out = 0;
  for (const bytes of encoder.open()) out += bytes.length;
  for (const read of reads) {
    for (const frame of decoder.push(read)) {
      for (const event of parser.parseFrame(frame)) {
        for (const bytes of encoder.pieces(assembler.push(event))) out += bytes.length;
      }
    }
  }
  decoder.end();
  for (const event of parser.finish()) for (const bytes of encoder.pieces(assembler.push(event))) out += bytes.length;
  for (const bytes of encoder.pieces(assembler.finish())) out += bytes.length;
  for (const bytes of encoder.finish()) out += bytes.length;
  return out;
}

const frames = (() => {
  const decoder = new FrameDecoder();
  return reads.reduce((count, read) => count + decoder.push(read).length, 0);
})();
const sseBytes = transformOnce();
for (let warm = 0; warm < 200; warm++) transformOnce();

let answers = 0;
const start = performance.now();
const deadline = start + SECONDS * 1000;
while (performance.now() < deadline) {
  for (let batch = 0; batch < 20; batch++) transformOnce();
  answers += 20;
}
const seconds = (performance.now() - start) / 1000;
const inMb = (answers * body.length) / 1024 / 1024;
console.log(
  `transform: one answer = ${body.length} upstream bytes in ${frames} frames → ${sseBytes} SSE bytes; reads of ${READ_BYTES} bytes`,
);
console.log(
  `  ${answers} answers in ${seconds.toFixed(2)} s: ${(inMb / seconds).toFixed(1)} MB/s upstream in, ${((answers * sseBytes) / 1024 / 1024 / seconds).toFixed(1)} MB/s SSE out, ${((answers * frames) / seconds / 1000).toFixed(0)}k frames/s, ${(answers / seconds).toFixed(0)} answers/s`,
);
