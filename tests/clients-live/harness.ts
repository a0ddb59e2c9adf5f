import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/gateway-harness';

/**
 * The stack a real client runs against: the simulator and the gateway on free ports (the gateway
 * harness), with a recording proxy in front of the gateway. Point the client at `baseUrl`; every
 * request it sends is kept (method, path, headers without secrets, body) and can be saved as a
 * fixture that `npm test` replays without the client (tests/clients/*-replay.test.ts).
 */

export interface RecordedClientRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text; null without a body. */
  body: unknown;
}

export interface ClientFixture {
  client: string;
  version: string;
  requests: RecordedClientRequest[];
}

export interface ClientStack {
  harness: Harness;
  /** The recording proxy's origin: what the client is configured with. */
  baseUrl: string;
  /** Requests recorded since the start (or the last `clearRecording`). */
  recorded: RecordedClientRequest[];
  clearRecording(): void;
  stop(): Promise<void>;
}

/** Headers that would identify or authenticate the client, or only describe the connection. */
const DROPPED_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'cookie',
  'proxy-authorization',
  'host',
  'content-length',
  'connection',
  'accept-encoding',
  'keep-alive',
  'transfer-encoding',
]);
const SECRET_LOOKING = /(token|secret|key|session)/i;

const recordedHeaders = (headers: Headers): Record<string, string> => {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (DROPPED_HEADERS.has(name.toLowerCase()) || SECRET_LOOKING.test(name)) return;
    kept[name.toLowerCase()] = value;
  });
  return kept;
};

const parseBody = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export async function startClientStack(options: HarnessOptions = {}): Promise<ClientStack> {
  const harness = await startHarness(options);
  const recorded: RecordedClientRequest[] = [];
  const proxy = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const path = url.pathname + url.search;
      recorded.push({ method: request.method, path, headers: recordedHeaders(request.headers), body: parseBody(text) });
      const headers = new Headers(request.headers);
      headers.delete('host');
      headers.delete('content-length');
      const upstream = await fetch(`${harness.server.url}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        body: text === '' ? undefined : text,
        redirect: 'manual',
        signal: request.signal,
      });
      const responseHeaders = new Headers(upstream.headers);
      // fetch already decoded the body; the client must not decode it again.
      responseHeaders.delete('content-encoding');
      responseHeaders.delete('content-length');
      return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
    },
  });
  return {
    harness,
    baseUrl: `http://127.0.0.1:${proxy.port}`,
    recorded,
    clearRecording: () => {
      recorded.length = 0;
    },
    async stop() {
      proxy.stop(true);
      await harness.stop();
    },
  };
}

/** Where a client was installed by `npm run test:clients`; null when the tests run without it. */
export const CLIENTS_DIR = process.env.GROK2API_CLIENTS_DIR ?? null;

/** The installed version of a client package (from its package.json). */
export function installedVersion(packageName: string): string {
  if (!CLIENTS_DIR) throw new Error('GROK2API_CLIENTS_DIR is not set: run these tests with `npm run test:clients`');
  const manifest = join(CLIENTS_DIR, 'node_modules', packageName, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Long texts in a recorded body (a client's own system prompt, tool descriptions, command output)
 * are that project's prose, not ours to commit, and add nothing to a shape check: each keeps its
 * start and says how long it was.
 */
const PROSE_LIMIT = 300;
const PROSE_KEPT = 60;

const elideProse = (value: unknown): unknown => {
  if (typeof value === 'string') {
    return value.length > PROSE_LIMIT ? `${value.slice(0, PROSE_KEPT)}… [${value.length} characters elided]` : value;
  }
  if (Array.isArray(value)) return value.map(elideProse);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, elideProse(inner)]));
  }
  return value;
};

/** Fixtures live beside the replay tests, one file per client version. */
export const FIXTURES_DIR = resolve(import.meta.dir, '../clients/fixtures');

/**
 * Saves what a client sent as `tests/clients/fixtures/<name>@<version>.json`, long texts elided
 * (see `elideProse`), when this version has none yet or GROK2API_RECORD_FIXTURES=1 (ids and
 * dates differ on every run, so an existing fixture is kept). `scrub` pairs
 * replace machine-specific text (temporary folders, dates) so the fixture names no local paths.
 */
export function saveFixture(fixture: ClientFixture, scrub: [string | RegExp, string][] = []): string | null {
  const fileName = `${fixture.client.replace(/^@/, '').replace(/\//g, '-')}@${fixture.version}.json`;
  const path = join(FIXTURES_DIR, fileName);
  if (existsSync(path) && process.env.GROK2API_RECORD_FIXTURES !== '1') return null;
  const requests = fixture.requests.map((request) => ({ ...request, body: elideProse(request.body) }));
  let text = JSON.stringify({ ...fixture, requests }, null, 1);
  for (const [pattern, replacement] of scrub) text = text.replaceAll(pattern, replacement);
  if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${text}\n`);
  return path;
}
