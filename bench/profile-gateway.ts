/**
 * CPU profile of the gateway's per-request work: the simulator and the gateway run in their own
 * processes (the gateway under `bun --cpu-prof-md`), and this process sends sequential
 * non-streaming chat requests, so the profile holds the gateway's overhead and little else.
 *
 *   ./node_modules/.bin/bun bench/profile-gateway.ts            # 3000 requests
 *   PROFILE_REQUESTS=10000 PROFILE_STREAM=1 ./node_modules/.bin/bun bench/profile-gateway.ts
 *   PROFILE_REQUESTS=1000 PROFILE_STREAM=1 PROFILE_ANSWER_TOKENS=400 ./node_modules/.bin/bun bench/profile-gateway.ts
 *
 * Prints where the Markdown profile was written (sorted by self time). PROFILE_FORMAT=json writes a
 * Chrome .cpuprofile instead, which bench/profile-summary.ts sums by source file.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchStack } from './child-process';

const REQUESTS = Number(process.env.PROFILE_REQUESTS || 3000);
const STREAM = process.env.PROFILE_STREAM === '1';
/** Answer length in word tokens (frames); 0 keeps the simulator's short default answer. */
const ANSWER_TOKENS = Number(process.env.PROFILE_ANSWER_TOKENS || 0);

// Outside the stack's data folder, which stop() removes.
const profileDir = mkdtempSync(join(tmpdir(), 'grok2api-profile-'));
const { simulator, gateway, stop } = await startBenchStack({
  label: 'profile',
  accounts: 4,
  apiKey: 'profile-key',
  gatewayBunFlags: [
    process.env.PROFILE_FORMAT === 'json' ? '--cpu-prof' : '--cpu-prof-md',
    `--cpu-prof-dir=${profileDir}`,
    '--cpu-prof-interval=100',
  ],
});
if (ANSWER_TOKENS > 0) {
  const answerTokens = Array.from({ length: ANSWER_TOKENS }, (_, index) => ` word${index}`);
  const script = JSON.stringify({ answerTokens, times: -1 });
  await fetch(`${simulator.url}/__simulator/scripts`, { method: 'POST', body: script });
}
const body = JSON.stringify({
  model: 'grok-4.1-fast',
  stream: STREAM,
  messages: [{ role: 'user', content: 'Summarise a short story in three sentences.' }],
});
for (let index = 0; index < REQUESTS; index++) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer profile-key' },
    body,
  });
  await response.text();
}
await stop();
console.log(
  `profile of ${REQUESTS} ${STREAM ? 'streaming' : 'non-streaming'} requests: ${readdirSync(profileDir)
    .map((name) => join(profileDir, name))
    .join(', ')}`,
);
