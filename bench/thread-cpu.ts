/**
 * Where a gateway's CPU goes by thread (main JS thread, JIT compilers, GC helpers, Bun's HTTP
 * client thread, …) and by user/system time, over a run of chat requests at concurrency 16.
 *
 *   BENCH_REQUESTS=2000 BENCH_STREAM=0 ./node_modules/.bin/bun bench/thread-cpu.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startBenchStack } from './child-process';

const REQUESTS = Number(process.env.BENCH_REQUESTS || 2000);
const STREAM = process.env.BENCH_STREAM === '1';
const ANSWER_TOKENS = Number(process.env.BENCH_ANSWER_TOKENS || 0);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);

function threads(pid: number) {
  const result = new Map<string, { user: number; system: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result.set(`${tid} ${name}`, { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 });
    } catch {}
  }
  return result;
}

const { simulator, gateway, stop } = await startBenchStack({ label: 'threads', accounts: 8, apiKey: 'k' });
try {
  if (ANSWER_TOKENS > 0) {
    const answerTokens = Array.from({ length: ANSWER_TOKENS }, (_, index) => ` word${index}`);
    await fetch(`${simulator.url}/__simulator/scripts`, {
      method: 'POST',
      body: JSON.stringify({ answerTokens, times: -1 }),
    });
  }
  const body = JSON.stringify({
    model: 'grok-4.1-fast',
    stream: STREAM,
    messages: [{ role: 'user', content: 'Summarise the plot of a short story about a lighthouse keeper.' }],
  });
  const one = async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body,
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
  };
  for (let index = 0; index < 200; index++) await one();
  const before = threads(gateway.child.pid);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) await one();
    }),
  );
  const after = threads(gateway.child.pid);
  let user = 0;
  let system = 0;
  const rows: [string, number, number][] = [];
  for (const [key, value] of after) {
    const was = before.get(key) ?? { user: 0, system: 0 };
    const u = (value.user - was.user) / REQUESTS;
    const s = (value.system - was.system) / REQUESTS;
    user += u;
    system += s;
    if (u + s > 0) rows.push([key, u, s]);
  }
  rows.sort((a, b) => b[1] + b[2] - a[1] - a[2]);
  console.log(
    `µs CPU per request: ${(user + system).toFixed(0)} (user ${user.toFixed(0)}, system ${system.toFixed(0)})`,
  );
  for (const [key, u, s] of rows)
    console.log(`  ${key.padEnd(28)} user ${u.toFixed(0).padStart(5)}  system ${s.toFixed(0).padStart(5)}`);
} finally {
  await stop();
}
