import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { API_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { loadFixtures, type RecordedRequest } from '../clients-live/harness';

/**
 * Replays what real Anthropic clients sent (fixtures recorded by `npm run test:clients`, one per
 * client version) through the gateway against the simulator, with the default config (so model
 * aliases are exercised too): every answer must be a success in Anthropic's shape, and a stream a
 * well-formed event sequence ending in `message_stop`. A regression shows without the clients.
 *
 * Message threads are replayed as threads: a `continue` points at the reply this replay got for
 * the request before it, and when it carries tool results, that reply is scripted to call a tool
 * (so the ids line up) — the recording has no replies, only requests.
 */

const ANTHROPIC_CLIENTS = ['claude-code', 'anthropic-sdk'];

const fixtures = loadFixtures().filter((fixture) => ANTHROPIC_CLIENTS.includes(fixture.client));

type Body = Record<string, any>;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.stop());
beforeEach(() => harness.simulator.reset());

/** Blocks of a request's messages of one type. */
const blocksOf = (body: Body | null, type: string): Body[] =>
  ((body?.messages ?? []) as Body[]).flatMap((message) =>
    Array.isArray(message.content) ? message.content.filter((block: Body) => block.type === type) : [],
  );

/** Arguments that satisfy a tool's required properties, so the gateway accepts the scripted call. */
const argumentsFor = (schema: Body | undefined): Body => {
  const placeholder: Record<string, unknown> = {
    string: 'x',
    number: 1,
    integer: 1,
    boolean: true,
    array: [],
    object: {},
  };
  const properties = (schema?.properties ?? {}) as Record<string, Body>;
  return Object.fromEntries(
    ((schema?.required ?? []) as string[]).map((key) => [key, placeholder[properties[key]?.type] ?? 'x']),
  );
};

/** Parses an SSE body into its events and checks the Messages event grammar. */
const checkEventStream = (text: string): Body => {
  const events = text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '' && !frame.startsWith(':'))
    .map((frame) => {
      const name = /^event: (.+)$/m.exec(frame)?.[1];
      const data = JSON.parse(/^data: (.+)$/m.exec(frame)![1]!) as Body;
      expect(data.type).toBe(name);
      return data;
    });
  const names = events.map((event) => event.type);
  expect(names).not.toContain('error');
  expect(names[0]).toBe('message_start');
  expect(names.at(-1)).toBe('message_stop');
  expect(names.at(-2)).toBe('message_delta');
  const open = new Set<number>();
  const message = { ...events[0]!.message, content: [] as Body[] };
  for (const event of events) {
    if (event.type === 'content_block_start') {
      expect(open.has(event.index)).toBe(false);
      open.add(event.index);
      message.content[event.index] = event.content_block;
    } else if (event.type === 'content_block_delta') expect(open.has(event.index)).toBe(true);
    else if (event.type === 'content_block_stop') open.delete(event.index);
  }
  expect(open.size).toBe(0);
  expect(['end_turn', 'tool_use', 'stop_sequence', 'max_tokens']).toContain(events.at(-2)!.delta.stop_reason);
  return message;
};

const checkMessage = (message: Body): void => {
  expect(message).toMatchObject({ type: 'message', role: 'assistant' });
  expect(message.id).toMatch(/^msg_/);
  expect(Array.isArray(message.content)).toBe(true);
  for (const block of message.content as Body[]) expect(['text', 'thinking', 'tool_use']).toContain(block.type);
};

async function replay(request: RecordedRequest, body: Body | null): Promise<Body | null> {
  const response = await fetch(`${harness.server.url}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, 'x-api-key': API_KEY },
    body: body === null ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect({ path: request.path, status: response.status, text: response.ok ? '' : text }).toMatchObject({ status: 200 });
  if (!request.path.startsWith('/v1/messages')) return null;
  if (request.path.startsWith('/v1/messages/count_tokens')) {
    expect((JSON.parse(text) as Body).input_tokens).toBeGreaterThan(0);
    return null;
  }
  if (body?.stream) {
    expect(response.headers.get('content-type')).toStartWith('text/event-stream');
    return checkEventStream(text);
  }
  const message = JSON.parse(text) as Body;
  checkMessage(message);
  return message;
}

describe('Anthropic clients replayed through the gateway', () => {
  test('there are recorded fixtures to replay', () => {
    expect(fixtures.map((fixture) => fixture.client)).toEqual(expect.arrayContaining(ANTHROPIC_CLIENTS));
  });

  for (const { file, sessions } of fixtures) {
    const requests = sessions.flat();
    test(`${file}: ${requests.length} requests answered in Anthropic's shape`, async () => {
      let previousReply: Body | null = null;
      let threadTools: Body[] = [];
      for (const [index, request] of requests.entries()) {
        const body = structuredClone(request.body) as Body | null;
        if (body?.tools) threadTools = body.tools;
        if (body?.thread?.type === 'continue') {
          body.thread.previous_message_id = previousReply?.id;
          const calls = (previousReply?.content ?? []).filter((block: Body) => block.type === 'tool_use');
          blocksOf(body, 'tool_result').forEach(
            (block, position) => (block.tool_use_id = calls[position]?.id ?? block.tool_use_id),
          );
        }
        // A continued thread sends results for calls only the reply held: script that reply's calls.
        const next = requests[index + 1]?.body as Body | undefined;
        if (next?.thread?.type === 'continue') {
          const results = blocksOf(next, 'tool_result');
          const tool = threadTools.find((candidate) => candidate.name) ?? { name: 'tool' };
          const call = `<tool_call>{"name":${JSON.stringify(tool.name)},"arguments":${JSON.stringify(argumentsFor(tool.input_schema))}}</tool_call>`;
          if (results.length > 0) harness.simulator.script({ answer: call.repeat(results.length) });
        }
        const reply = await replay(request, body);
        if (reply) previousReply = reply;
      }
    });
  }
});
