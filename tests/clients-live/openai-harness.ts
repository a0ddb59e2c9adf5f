import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_SHELL_NAME, namespacedName } from '../../src/openai/responses/offered-tools';
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
  /** What the gateway answered, so a replay can script the same model answer and map ids. */
  answer?: RecordedAnswer;
}

export interface RecordedAnswer {
  /** The model's tool calls, by the names the model was offered (what the simulator must write). */
  calls: { name: string; arguments: string }[];
  /** Responses only: the response id and its output items' ids and types, in order. */
  responseId?: string;
  items?: { id: string; type: string }[];
}

/** Headers that shape the answer; authorization and cookies never leave the machine. */
const KEPT_HEADERS = [
  'content-type',
  'accept',
  'openai-beta',
  'user-agent',
  'x-stainless-lang',
  'x-stainless-package-version',
];

/** Decides the model's next answer from the request a client sent; undefined = the simulator's default answer. */
export type Responder = (request: RecordedRequest) => string | undefined;

export interface OpenAiStack {
  harness: Harness;
  /** Set by a test: scripts each request's answer just before it is forwarded. */
  respond: Responder | null;
  /** The recording hop's base URL (no /v1). */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export async function startOpenAiStack(): Promise<OpenAiStack> {
  const harness = await startHarness({ accounts: [{ token: 'account-super-1', tier: 'super' }] });
  const requests: RecordedRequest[] = [];
  // Requests are forwarded one at a time (the next waits until the previous answer has ended), so
  // each is scripted just before it reaches the simulator, whatever else the client sends alongside.
  let queue: Promise<void> = Promise.resolve();
  const stack = { respond: null as Responder | null };
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
      let release = () => {};
      const previous = queue;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      try {
        const scripted = stack.respond?.(recorded);
        if (scripted !== undefined) harness.simulator.script({ answer: scripted });
        const answer = await fetch(`${harness.server.url}${url.pathname}${url.search}`, {
          method: request.method,
          headers: forwarded,
          body: text || undefined,
          signal: request.signal,
        });
        recorded.status = answer.status;
        return new Response(recordingBody(answer, recorded, release), {
          status: answer.status,
          headers: answer.headers,
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

/** Passes the answer through, keeps its text for the fixture, and frees the queue when it ends. */
function recordingBody(
  answer: Response,
  recorded: RecordedRequest,
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
        if (answer.ok) recorded.answer = summariseAnswer(text);
        release();
        controller.close();
        return;
      }
      text += decoder.decode(value, { stream: true });
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

/** The version of an installed client package, from its package.json. */
export function clientVersion(name: string): string {
  if (!CLIENTS_DIR) throw new Error('GROK2API_CLIENTS_DIR is not set: run these tests with `npm run test:clients`');
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
      requests.filter(isApiCall).map(({ method, path, headers, body, answer }) => ({
        method,
        path: path.replace(/^\/+/, '/'),
        headers,
        body,
        answer,
      })),
    ),
  };
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
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
