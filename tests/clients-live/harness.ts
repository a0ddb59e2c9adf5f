import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCAL_SHELL_NAME, namespacedName } from '../../src/openai/responses/offered-tools';
import { API_KEY, startHarness, type Harness, type HarnessOptions } from '../helpers/gateway-harness';

/**
 * The stack a real client runs against (`npm run test:clients`): the simulator and the gateway on
 * free ports (the gateway harness), with a recording hop in front of the gateway. Point the client
 * at `url`; every request it sends is kept (method, path, headers without secrets, body, the
 * gateway's status and, on the OpenAI routes, the tool calls the model made) and can be saved as a
 * fixture that `npm test` replays without the client (tests/clients/*-replay.test.ts).
 *
 * Requests are forwarded one at a time (the next waits until the previous answer has ended), so a
 * model answer scripted for a request — by `respond`, just before it is forwarded, or queued on the
 * simulator beforehand — meets that request, whatever else the client sends alongside.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text; null without a body. */
  body: unknown;
  /** The gateway's status, for the test (not saved). */
  status?: number;
  /** On the OpenAI routes, what the model answered, so a replay can script the same answer and map ids. */
  answer?: RecordedAnswer;
}

export interface RecordedAnswer {
  /** The model's tool calls, by the names the model was offered (what the simulator must write). */
  calls: { name: string; arguments: string }[];
  /** Responses only: the response id and its output items' ids and types, in order. */
  responseId?: string;
  items?: { id: string; type: string }[];
}

/** What one client version sent: runs of requests that belong together (one CLI run, one SDK loop). */
export interface ClientFixture {
  client: string;
  version: string;
  sessions: RecordedRequest[][];
}

/** Decides the model's next answer from the request a client sent; undefined = the simulator's own. */
export type Responder = (request: RecordedRequest) => string | undefined;

export interface ClientStack {
  harness: Harness;
  /** The recording hop's origin (no /v1): what the client is configured with. */
  url: string;
  apiKey: string;
  /** Requests recorded since the start; a test empties it (`requests.length = 0`) between runs. */
  requests: RecordedRequest[];
  /** Set by a test: scripts each request's answer just before it is forwarded. */
  respond: Responder | null;
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

/** The OpenAI-dialect suites run on one super account. */
export const ONE_SUPER_ACCOUNT: HarnessOptions = { accounts: [{ token: 'account-super-1', tier: 'super' }] };

const OPENAI_ROUTES = /^\/v1\/(responses|chat\/completions)$/;
/** The calls worth replaying (not model listings or probes). */
const API_CALLS = /^\/v1\/(responses|chat\/completions|messages|messages\/count_tokens)$/;
const routeOf = (path: string) => path.split('?')[0]!.replace(/^\/+/, '/');

export async function startClientStack(options: HarnessOptions = {}): Promise<ClientStack> {
  const harness = await startHarness(options);
  const requests: RecordedRequest[] = [];
  let queue: Promise<void> = Promise.resolve();
  const stack = { respond: null as Responder | null };
  const proxy = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const path = url.pathname + url.search;
      const recorded: RecordedRequest = {
        method: request.method,
        path,
        headers: recordedHeaders(request.headers),
        body: parseBody(text),
      };
      requests.push(recorded);
      const headers = new Headers(request.headers);
      headers.delete('host');
      headers.delete('content-length');
      let release = () => {};
      const previous = queue;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      try {
        const scripted = stack.respond?.(recorded);
        if (scripted !== undefined) harness.simulator.script({ answer: scripted });
        const answer = await fetch(`${harness.server.url}${path}`, {
          method: request.method,
          headers,
          body: text === '' ? undefined : text,
          redirect: 'manual',
          signal: request.signal,
        });
        recorded.status = answer.status;
        const responseHeaders = new Headers(answer.headers);
        // fetch already decoded the body; the client must not decode it again.
        responseHeaders.delete('content-encoding');
        responseHeaders.delete('content-length');
        const summarise = answer.ok && OPENAI_ROUTES.test(routeOf(path));
        return new Response(recordingBody(answer, summarise ? recorded : null, release), {
          status: answer.status,
          headers: responseHeaders,
        });
      } catch (error) {
        release();
        throw error;
      }
    },
  });
  return {
    harness,
    get respond() {
      return stack.respond;
    },
    set respond(responder: Responder | null) {
      stack.respond = responder;
    },
    url: `http://127.0.0.1:${proxy.port}`,
    apiKey: API_KEY,
    requests,
    async stop() {
      proxy.stop(true);
      await harness.stop();
    },
  };
}

/** Passes the answer through, keeps its text for the summary when asked, and frees the queue when it ends. */
function recordingBody(
  answer: Response,
  recorded: RecordedRequest | null,
  release: () => void,
): ReadableStream<Uint8Array> | null {
  if (!answer.body) {
    release();
    return null;
  }
  const reader = answer.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        if (recorded) recorded.answer = summariseAnswer(text);
        release();
        controller.close();
        return;
      }
      if (recorded) text += decoder.decode(value, { stream: true });
      controller.enqueue(value);
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
}

type OutputItem = {
  id: string;
  type: string;
  name?: string;
  namespace?: string;
  arguments?: string;
  input?: string;
  action?: Record<string, unknown>;
};

/** The call as the model wrote it: namespaced tools flattened, custom and local_shell inputs as arguments. */
const modelCall = (item: OutputItem) => {
  if (item.type === 'custom_tool_call') return { name: item.name!, arguments: JSON.stringify({ input: item.input }) };
  if (item.type === 'local_shell_call') {
    const { type: _exec, ...action } = item.action ?? {};
    return { name: LOCAL_SHELL_NAME, arguments: JSON.stringify(action) };
  }
  return {
    name: item.namespace ? namespacedName(item.namespace, item.name!) : item.name!,
    arguments: item.arguments ?? '{}',
  };
};

const CALL_TYPES = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);

function summariseResponse(response: { id: string; output: OutputItem[] }): RecordedAnswer {
  return {
    calls: response.output.filter((item) => CALL_TYPES.has(item.type)).map(modelCall),
    responseId: response.id,
    items: response.output.map((item) => ({ id: item.id, type: item.type })),
  };
}

type ChatToolCall = { index?: number; function?: { name?: string; arguments?: string } };

/** Reads a JSON or SSE answer of /v1/responses or /v1/chat/completions. */
export function summariseAnswer(text: string): RecordedAnswer | undefined {
  const events = text.trimStart().startsWith('{')
    ? [JSON.parse(text)]
    : text
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
        .map((line) => JSON.parse(line.slice(6)));
  const completed =
    events.find((event) => event.type === 'response.completed')?.response ??
    (events[0]?.object === 'response' ? events[0] : null);
  if (completed) return summariseResponse(completed);
  const calls: { name: string; arguments: string }[] = [];
  for (const event of events) {
    const choice = event.choices?.[0];
    for (const call of (choice?.message?.tool_calls ?? choice?.delta?.tool_calls ?? []) as ChatToolCall[]) {
      const index = call.index ?? calls.length;
      calls[index] ??= { name: '', arguments: '' };
      calls[index]!.name += call.function?.name ?? '';
      calls[index]!.arguments += call.function?.arguments ?? '';
    }
  }
  return { calls };
}

/** Where `npm run test:clients` installed the clients; null when the tests run without it. */
export const CLIENTS_DIR = process.env.GROK2API_CLIENTS_DIR || null;

/** The installed version of a client package (from its package.json). */
export function clientVersion(name: string): string {
  if (!CLIENTS_DIR) throw new Error('GROK2API_CLIENTS_DIR is not set: run these tests with `npm run test:clients`');
  return JSON.parse(readFileSync(join(CLIENTS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Imports a client package from the clients folder (they are not project dependencies). */
export function importClient<T = any>(name: string): Promise<T> {
  return import(require.resolve(name, { paths: [CLIENTS_DIR ?? '.'] }));
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

const fixtureFile = (client: string, version: string) =>
  `${client.replace(/^@/, '').replace(/\//g, '__')}@${version}.json`;

/**
 * Saves the API calls a client sent as `tests/clients/fixtures/<client>@<version>.json`, long texts
 * elided (see `elideProse`), when this version has none yet or GROK2API_RECORD_FIXTURES=1 (ids and
 * dates differ on every run, so an existing fixture is kept). `scrub` pairs replace
 * machine-specific text (dates, folders) so the fixture names no local paths; temporary folders
 * and the home folder are always replaced. Returns the file written, or null.
 */
export function saveFixture(fixture: ClientFixture, scrub: [string | RegExp, string][] = []): string | null {
  const path = join(FIXTURES_DIR, fixtureFile(fixture.client, fixture.version));
  if (existsSync(path) && process.env.GROK2API_RECORD_FIXTURES !== '1') return null;
  const sessions = fixture.sessions
    .map((session) =>
      session
        .filter((request) => request.method === 'POST' && API_CALLS.test(routeOf(request.path)))
        .map(({ method, path, headers, body, answer }) => ({
          method,
          path: path.replace(/^\/+/, '/'),
          headers,
          body: elideProse(body),
          ...(answer ? { answer } : {}),
        })),
    )
    .filter((session) => session.length > 0);
  if (sessions.length === 0) return null;
  let text = JSON.stringify({ client: fixture.client, version: fixture.version, sessions }, null, 1);
  const machine: [string | RegExp, string][] = [
    [new RegExp(`${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[\\w.-]+`, 'g'), '/workspace'],
    [`${homedir()}/`, '/home/user/'],
  ];
  for (const [pattern, replacement] of [...scrub, ...machine]) text = text.replaceAll(pattern, replacement);
  mkdirSync(FIXTURES_DIR, { recursive: true });
  writeFileSync(path, `${text}\n`);
  return path;
}

/** Every recorded fixture; one recorded as a flat `requests` list (older recordings) is one session. */
export function loadFixtures(): (ClientFixture & { file: string })[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8')) as Partial<ClientFixture> & {
        requests?: RecordedRequest[];
      };
      return {
        file,
        client: raw.client ?? file.split('@')[0]!,
        version: raw.version ?? 'unknown',
        sessions: raw.sessions ?? [raw.requests ?? []],
      };
    });
}

/** The simulator answer that makes the emulated model call a tool. */
export const toolCallAnswer = (name: string, args: object, before = '') =>
  `${before}<tool_call>{"name":${JSON.stringify(name)},"arguments":${JSON.stringify(args)}}</tool_call>`;

type AnyBody = {
  tools?: { name?: string; function?: { name?: string } }[];
  messages?: { role: string }[];
  input?: unknown;
};

/** Whether the request offers a tool of that name (chat or Responses shape). */
export const offersTool = (request: RecordedRequest, name: string): boolean =>
  ((request.body as AnyBody | null)?.tools ?? []).some((tool) => (tool.function?.name ?? tool.name) === name);

/** Whether the request already carries a tool result (chat `tool` message or Responses `function_call_output`). */
export const hasToolResult = (request: RecordedRequest): boolean => {
  const body = request.body as AnyBody | null;
  if (body?.messages?.some((message) => message.role === 'tool')) return true;
  return (
    Array.isArray(body?.input) && (body.input as { type?: string }[]).some((item) => item.type?.endsWith('_output'))
  );
};

/**
 * A tool round trip: the request that offers `tool` gets a call to it; once the result is back,
 * the final answer. Requests without the tool (titles, summaries) get the simulator's default.
 */
export const roundTrip =
  (tool: string, args: object, finalAnswer: string): Responder =>
  (request) => {
    if (!offersTool(request, tool)) return undefined;
    return hasToolResult(request) ? finalAnswer : toolCallAnswer(tool, args, 'On it.\n');
  };
