import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * The stack the OpenAI-dialect clients run against: simulator + gateway on free ports, and a
 * recording hop in front of the gateway that keeps every request a client sent (method, path,
 * the headers that matter, body) so they can be saved as replay fixtures for `npm test`.
 */

export const CLIENTS_DIR = process.env.GROK2API_CLIENTS_DIR ?? '';
export const FIXTURES_DIR = join(import.meta.dir, '..', 'clients', 'fixtures');

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** The gateway's status, for a reader of the fixture. */
  status?: number;
}

/** Headers that shape the answer; authorization and cookies never leave the machine. */
const KEPT_HEADERS = ['content-type', 'accept', 'openai-beta', 'user-agent', 'x-stainless-lang', 'x-stainless-package-version'];

export interface OpenAiStack {
  harness: Harness;
  /** The recording hop's base URL (no /v1). */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export async function startOpenAiStack(): Promise<OpenAiStack> {
  const harness = await startHarness({ accounts: [{ token: 'account-super-1', tier: 'super' }] });
  const requests: RecordedRequest[] = [];
  const proxy = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const recorded: RecordedRequest = { method: request.method, path: url.pathname + url.search, headers, body };
      requests.push(recorded);
      const forwarded = new Headers(request.headers);
      forwarded.delete('host');
      forwarded.delete('content-length');
      const answer = await fetch(`${harness.server.url}${url.pathname}${url.search}`, {
        method: request.method,
        headers: forwarded,
        body: text || undefined,
        signal: request.signal,
      });
      recorded.status = answer.status;
      return answer;
    },
  });
  return {
    harness,
    url: `http://127.0.0.1:${proxy.port}`,
    apiKey: API_KEY,
    requests,
    async stop() {
      proxy.stop(true);
      await harness.stop();
    },
  };
}

/** The version of an installed client package, from its package.json. */
export function clientVersion(name: string): string {
  return JSON.parse(readFileSync(join(CLIENTS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Imports an SDK from the clients folder (they are not project dependencies). */
export function importClient<T = any>(name: string): Promise<T> {
  return import(require.resolve(name, { paths: [CLIENTS_DIR] }));
}

/** Only API calls are worth replaying (not model listings or probes). */
const isApiCall = (request: RecordedRequest) =>
  request.method === 'POST' && /\/v1\/(responses|chat\/completions)$/.test(request.path.split('?')[0]!);

/** Writes tests/clients/fixtures/<client>@<version>.json; `sessions` are replayed each in order. */
export function saveFixture(client: string, version: string, sessions: RecordedRequest[][]): void {
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const file = join(FIXTURES_DIR, `${client.replace(/^@/, '').replace(/\//g, '__')}@${version}.json`);
  const fixture = {
    client,
    version,
    sessions: sessions.map((requests) =>
      requests.filter(isApiCall).map(({ method, path, headers, body }) => ({ method, path: path.replace(/^\/+/, '/'), headers, body })),
    ),
  };
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
}

/** The simulator answer that makes the emulated model call a tool. */
export const toolCallAnswer = (name: string, args: object, before = '') =>
  `${before}<tool_call>{"name":${JSON.stringify(name)},"arguments":${JSON.stringify(args)}}</tool_call>`;
