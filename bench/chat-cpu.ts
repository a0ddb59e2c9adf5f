/**
 * CPU per request and per streamed frame, for the gateway, a bare pass-through proxy and the
 * Portkey AI gateway, in one run and under the same client load. CPU is user + system time of
 * each server process from /proc/<pid>/stat: a busy, shared machine disturbs it far less than
 * wall time. Part of bench/chat.ts (`BENCH_SECTIONS=cpu`).
 *
 * The WebSocket floor (bench/websocket-floor.ts) does the least any program must do per request
 * over the gateway's default upstream transport; the proxy forwards the REST call unchanged.
 *
 * Portkey (`@portkey-ai/gateway`, a devDependency) runs under Bun in front of an
 * OpenAI-compatible upstream that answers at once (bench/openai-fake-upstream.ts) with the same
 * number of tokens as the simulator. Per frame = (CPU of a long streamed answer − CPU of a short
 * streamed answer) ÷ the difference in frames, so the per-request work cancels out.
 */
import { existsSync } from 'node:fs';
import { startProcess } from './child-process';
import { processCpuMicros } from './process-cpu';

const REQUESTS = Number(process.env.BENCH_CPU_REQUESTS || 2000);
const LONG_REQUESTS = Number(process.env.BENCH_CPU_LONG_REQUESTS || 500);
const CONCURRENCY = Number(process.env.BENCH_CPU_CONCURRENCY || 16);
const LONG_TOKENS = Number(process.env.BENCH_CPU_LONG_TOKENS || 400);
const PORTKEY_SERVER = 'node_modules/@portkey-ai/gateway/build/start-server.js';
const bun = process.execPath;

interface Server {
  child: { pid: number };
  url: string;
}

export interface CpuTargets {
  simulatorUrl: string;
  /** The simulator's account tokens (the WebSocket floor uses them as the gateway does). */
  tokens: string[];
  gateway: Server;
  proxy: Server;
  viaGateway: (stream: boolean, content?: string) => Promise<Response>;
  viaProxy: () => Promise<Response>;
}

/** Runs `count` requests at CONCURRENCY (after a warm-up) and returns the server's CPU µs per request. */
async function cpuPerRequest(pid: number, request: () => Promise<Response>, count: number): Promise<number> {
  const drain = async () => {
    const response = await request();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  for (let index = 0; index < 50; index++) await drain();
  let next = 0;
  const before = processCpuMicros(pid);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        await drain();
      }
    }),
  );
  return (processCpuMicros(pid) - before) / count;
}

function wordTokens(text: string): number {
  return (text.match(/\s*\S+|\s+$/g) ?? []).length;
}

async function startPortkey(): Promise<{ server: Server; upstream: Server; stop: () => Promise<void> } | string> {
  if (!existsSync(PORTKEY_SERVER)) return `${PORTKEY_SERVER} is missing (npm install)`;
  const upstream = await startProcess(
    [bun, 'bench/openai-fake-upstream.ts'],
    { FAKE_LONG_TOKENS: String(LONG_TOKENS) },
    /listening on (http:\/\/\S+)/,
  );
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  try {
    const started = await startProcess(
      [bun, PORTKEY_SERVER, `--port=${port}`, '--headless'],
      { NODE_ENV: 'production' },
      /(running at)/,
    );
    const server = { child: started.child, url: `http://127.0.0.1:${port}` };
    const stop = async () => {
      started.child.kill('SIGTERM');
      upstream.child.kill('SIGTERM');
      await Promise.all([started.child.exited, upstream.child.exited]);
    };
    return { server, upstream, stop };
  } catch (error) {
    upstream.child.kill('SIGTERM');
    return `Portkey did not start under Bun: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function measureCpu(targets: CpuTargets) {
  const message = 'Summarise the plot of a short story about a lighthouse keeper in three sentences.';
  const shortTokens = wordTokens(`Hello from the Grok simulator (mode fast). You said: ${message}. 你好，世界 👋`);
  const frames = LONG_TOKENS - shortTokens;
  const portkey = await startPortkey();
  // The least any program must do per request over the gateway's default transport (bench/websocket-floor.ts).
  const floor = await startProcess(
    [bun, 'bench/websocket-floor.ts'],
    { PROXY_UPSTREAM: targets.simulatorUrl, FLOOR_TOKENS: targets.tokens.join(',') },
    /listening on (http:\/\/\S+)/,
  );
  const viaFloor = (stream: boolean) => () =>
    fetch(`${floor.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'grok-4.1-fast', stream, messages: [{ role: 'user', content: message }] }),
    });
  const viaPortkey =
    (stream: boolean, content = message) =>
    () =>
      fetch(`${(portkey as { server: Server }).server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-bench',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `${(portkey as { upstream: Server }).upstream.url}/v1`,
        },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] }),
      });
  try {
    const gatewayPid = targets.gateway.child.pid;
    const proxyPid = targets.proxy.child.pid;
    const portkeyPid = typeof portkey === 'string' ? 0 : portkey.server.child.pid;
    type Row = { label: string; gateway: number; proxy: number; floor: number; portkey: number | null };
    const rows: Row[] = [];
    const measure = async (
      label: string,
      gateway: () => Promise<Response>,
      proxy: () => Promise<Response>,
      other: (() => Promise<Response>) | null,
      count: number,
      websocketFloor: () => Promise<Response>,
    ) => {
      rows.push({
        label,
        gateway: await cpuPerRequest(gatewayPid, gateway, count),
        proxy: await cpuPerRequest(proxyPid, proxy, count),
        floor: await cpuPerRequest(floor.child.pid, websocketFloor, count),
        portkey: other && portkeyPid ? await cpuPerRequest(portkeyPid, other, count) : null,
      });
    };
    const hasPortkey = typeof portkey !== 'string';
    // The proxy forwards the simulator's answer unchanged, streamed either way.
    await measure(
      'short answer, non-streaming',
      () => targets.viaGateway(false),
      targets.viaProxy,
      hasPortkey ? viaPortkey(false) : null,
      REQUESTS,
      viaFloor(false),
    );
    await measure(
      'short answer, streaming',
      () => targets.viaGateway(true),
      targets.viaProxy,
      hasPortkey ? viaPortkey(true) : null,
      REQUESTS,
      viaFloor(true),
    );
    const tokens = Array.from({ length: LONG_TOKENS }, (_, index) => ` word${index}`);
    const scripted = await fetch(`${targets.simulatorUrl}/__simulator/scripts`, {
      method: 'POST',
      body: JSON.stringify({ answerTokens: tokens, times: -1 }),
    });
    if (!scripted.ok) throw new Error(`simulator script: HTTP ${scripted.status} ${await scripted.text()}`);
    try {
      await measure(
        `long answer (${LONG_TOKENS} tokens), streaming`,
        () => targets.viaGateway(true),
        targets.viaProxy,
        hasPortkey ? viaPortkey(true, `${message} [long]`) : null,
        LONG_REQUESTS,
        viaFloor(true),
      );
    } finally {
      await fetch(`${targets.simulatorUrl}/__simulator/reset`, { method: 'POST' });
    }

    console.log(
      `CPU time of each server process (user+system, /proc/<pid>/stat), concurrency ${CONCURRENCY}, ${REQUESTS} requests (${LONG_REQUESTS} long), ${navigator.hardwareConcurrency} cores:`,
    );
    if (!hasPortkey) console.log(`  Portkey not measured: ${portkey}`);
    const cell = (value: number | null) => (value === null ? '—' : value.toFixed(1)).padStart(10);
    const ratio = (a: number, b: number | null) => (b === null || b <= 0 ? '—' : (a / b).toFixed(2)).padStart(12);
    console.log(
      `  ${'µs CPU per request'.padEnd(36)} ${'gateway'.padStart(10)} ${'portkey'.padStart(10)} ${'proxy'.padStart(10)} ${'ws floor'.padStart(10)} ${'gw/portkey'.padStart(12)} ${'gw/proxy'.padStart(12)} ${'gw/floor'.padStart(12)}`,
    );
    for (const row of rows)
      console.log(
        `  ${row.label.padEnd(36)} ${cell(row.gateway)} ${cell(row.portkey)} ${cell(row.proxy)} ${cell(row.floor)} ${ratio(row.gateway, row.portkey)} ${ratio(row.gateway, row.proxy)} ${ratio(row.gateway, row.floor)}`,
      );
    const [, streaming, long] = rows as [Row, Row, Row];
    const perFrame = (longValue: number | null, shortValue: number | null) =>
      longValue === null || shortValue === null ? null : (longValue - shortValue) / frames;
    const frame = {
      gateway: perFrame(long.gateway, streaming.gateway)!,
      portkey: perFrame(long.portkey, streaming.portkey),
      proxy: perFrame(long.proxy, streaming.proxy)!,
      floor: perFrame(long.floor, streaming.floor)!,
    };
    console.log(
      `  ${`µs CPU per streamed frame (${frames} more)`.padEnd(36)} ${cell(frame.gateway)} ${cell(frame.portkey)} ${cell(frame.proxy)} ${cell(frame.floor)} ${ratio(frame.gateway, frame.portkey)} ${ratio(frame.gateway, frame.proxy)} ${ratio(frame.gateway, frame.floor)}`,
    );
    console.log();
  } finally {
    floor.child.kill('SIGTERM');
    await floor.child.exited;
    if (typeof portkey !== 'string') await portkey.stop();
  }
}
