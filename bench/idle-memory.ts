/**
 * Resident memory of an idle gateway: 2 s after start-up (no request yet), then 2 s and 10 s after
 * 50 warm-up streams, split into anonymous memory and file-backed pages (the executable's own
 * code), from /proc/<pid>/status. Simulator and gateway run in their own processes.
 *
 *   ./node_modules/.bin/bun bench/idle-memory.ts
 *   IDLE_GATEWAY_BINARY=dist/grok2api ./node_modules/.bin/bun bench/idle-memory.ts   # after bun scripts/build.ts
 */
import { readFileSync } from 'node:fs';
import { startBenchStack } from './child-process';

function residentMemory(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (name: string) => (Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024).toFixed(1);
  return `RSS ${mb('VmRSS')} MB (anonymous ${mb('RssAnon')}, file-backed ${mb('RssFile')})`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { gateway, stop } = await startBenchStack({
  label: 'idle',
  accounts: 16,
  apiKey: 'idle-key',
  gatewayBinary: process.env.IDLE_GATEWAY_BINARY || undefined,
});
const chat = () =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer idle-key' },
    body: JSON.stringify({ model: 'grok-4.1-fast', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
try {
  const pid = gateway.child.pid;
  await sleep(2000);
  console.log(`at start:                    ${residentMemory(pid)}`);
  for (let index = 0; index < 50; index++) await (await chat()).text();
  await sleep(2000);
  console.log(`2 s after 50 requests:       ${residentMemory(pid)}`);
  await sleep(8000);
  console.log(`10 s after 50 requests:      ${residentMemory(pid)}`);
} finally {
  await stop();
}
