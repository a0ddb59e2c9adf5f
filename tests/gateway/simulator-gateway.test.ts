import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startSimulator, type Simulator } from '../../src/simulator/server';

// The simulator's model gateway (docs/upstream-protocol.md §8, §17), driven with a raw
// WebSocket so the protocol rules are checked independently of our client.

const USER_ID = '497f19f8-49d4-458a-bee4-43ec3dcaf8ca';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ accounts: [{ token: 'token-a', tier: 'super', userId: USER_ID }] });
});
afterAll(() => simulator.stop());

type Frame = { session_id?: string; event: Record<string, any> };

interface Conversation {
  send(value: unknown): void;
  /** The next frame, or the close as `{ closed: code }`. */
  next(): Promise<Frame | { closed: number } | { raw: string }>;
  close(): void;
}

function connect(
  options: { uid?: string; cookieUid?: string; token?: string } = {},
): Promise<Conversation | { failed: string }> {
  const uid = options.uid ?? USER_ID;
  const url = `${simulator.url.replace('http', 'ws')}/ws/mgw/?uid=${uid}`;
  const cookie = `sso=${options.token ?? 'token-a'}; sso-rw=${options.token ?? 'token-a'}; x-userid=${options.cookieUid ?? uid}`;
  const socket = new WebSocket(url, { headers: { cookie } } as never);
  const queue: (Frame | { closed: number } | { raw: string })[] = [];
  const waiters: ((value: Frame | { closed: number } | { raw: string }) => void)[] = [];
  const push = (value: Frame | { closed: number } | { raw: string }) =>
    waiters.length ? waiters.shift()!(value) : queue.push(value);
  return new Promise((resolve) => {
    let failure = '';
    socket.onerror = (event) => (failure = (event as unknown as { message: string }).message);
    socket.onmessage = (event) => {
      try {
        push(JSON.parse(String(event.data)));
      } catch {
        push({ raw: String(event.data) });
      }
    };
    socket.onclose = (event) => {
      push({ closed: event.code });
      resolve({ failed: failure });
    };
    socket.onopen = () =>
      resolve({
        send: (value) => socket.send(JSON.stringify(value)),
        next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve))),
        close: () => socket.close(),
      });
  });
}

async function open(): Promise<Conversation> {
  const conversation = await connect();
  if ('failed' in conversation) throw new Error(conversation.failed);
  return conversation;
}

async function startSession(conversation: Conversation, model = 'fast'): Promise<string> {
  conversation.send({
    event: { type: 'session.create', event_id: 'evt_init_1', session: { model, x_grok: { is_temporary: true } } },
  });
  const created = (await conversation.next()) as Frame;
  expect(created.event).toEqual({ type: 'session.created', client_event_id: 'evt_init_1' });
  const attached = (await conversation.next()) as Frame;
  expect(attached.event.type).toBe('conversation.attached');
  expect(attached.event.conversation.id).toBe(created.session_id!);
  return created.session_id!;
}

function turn(conversation: Conversation, sessionId: string, text: string) {
  conversation.send({
    session_id: sessionId,
    event: {
      type: 'conversation.item.create',
      event_id: 'evt_msg_1',
      item: { type: 'message', role: 'user', x_grok: { client_message_id: 'c1', input_chunks: [{ text: { text } }] } },
    },
  });
  conversation.send({ session_id: sessionId, event: { type: 'response.create', event_id: 'evt_resp_1' } });
}

async function untilDone(conversation: Conversation): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (;;) {
    const frame = await conversation.next();
    if (!('event' in frame)) throw new Error(`ended early: ${JSON.stringify(frame)}`);
    frames.push(frame);
    if (frame.event.type === 'response.done' || frame.event.type === 'error') return frames;
  }
}

describe('handshake', () => {
  test('the uid query must match the x-userid cookie (400) and the account (401)', async () => {
    expect(await connect({ cookieUid: 'someone-else' })).toEqual({ failed: expect.stringContaining('400') });
    const other = '00000000-0000-4000-8000-000000000000';
    expect(await connect({ uid: other, cookieUid: other })).toEqual({ failed: expect.stringContaining('401') });
  });

  test('request faults answer the upgrade with their status', async () => {
    simulator.enqueueFault({ kind: 'cloudflare', match: { path: '/ws/mgw/' } });
    expect(await connect()).toEqual({ failed: expect.stringContaining('403') });
    simulator.enqueueFault({ kind: 'rate_limited', match: { path: '/ws/mgw/' } });
    expect(await connect()).toEqual({ failed: expect.stringContaining('429') });
  });

  test('a plain GET without an upgrade is 426', async () => {
    const response = await fetch(`${simulator.url}/ws/mgw/?uid=${USER_ID}`, {
      headers: { cookie: `sso=token-a; x-userid=${USER_ID}` },
    });
    expect(response.status).toBe(426);
  });
});

describe('turns', () => {
  test('the §8.4 sequence: thinking on the analysis channel, then the answer, then response.done', async () => {
    const conversation = await open();
    const sessionId = await startSession(conversation, 'expert');
    turn(conversation, sessionId, 'hello');
    const frames = await untilDone(conversation);
    const channels = frames
      .filter((frame) => frame.event.type === 'response.chunk')
      .map((frame) => frame.event.chunk.text.channel);
    expect(channels[0]).toBe('CHANNEL_ANALYSIS');
    expect(channels.at(-1)).toBe('CHANNEL_ASSISTANT_RESPONSE');
    expect(frames.at(-1)!.event).toMatchObject({ type: 'response.done', response: { status: 'completed' } });
    expect(frames.every((frame) => frame.session_id === sessionId)).toBe(true);
    conversation.close();
  });

  test('nothing before session.create; one item per turn; a ping gets a pong', async () => {
    const conversation = await open();
    conversation.send({ event: { type: 'ping', event_id: 'evt_hb_1' } });
    expect(((await conversation.next()) as Frame).event).toEqual({ type: 'pong', client_event_id: 'evt_hb_1' });
    conversation.send({ session_id: 'x', event: { type: 'conversation.item.create', item: {} } });
    expect(((await conversation.next()) as Frame).event).toMatchObject({
      type: 'error',
      error: { code: 'failed_precondition' },
    });
    conversation.send({ event: { type: 'some.future.event' } });
    const sessionId = await startSession(conversation);
    conversation.send({ session_id: sessionId, event: { type: 'response.create' } });
    expect(((await conversation.next()) as Frame).event).toMatchObject({
      type: 'error',
      error: { code: 'failed_precondition' },
    });
    conversation.close();
  });

  test('a follow-up session re-attaches an existing conversation (load_existing)', async () => {
    const first = await open();
    const sessionId = await startSession(first);
    first.close();
    const second = await open();
    second.send({
      session_id: sessionId,
      event: {
        type: 'session.create',
        event_id: 'evt_init_2',
        session: { model: 'fast', x_grok: { conversation_id: sessionId, load_existing: true, needs_history: false } },
      },
    });
    expect(((await second.next()) as Frame).session_id).toBe(sessionId);
    second.close();
  });

  test('stream faults: in-band error, close code, malformed frame, cut', async () => {
    const run = async () => {
      const conversation = await open();
      const sessionId = await startSession(conversation);
      turn(conversation, sessionId, 'x');
      const seen: unknown[] = [];
      for (;;) {
        const frame = await conversation.next();
        seen.push(frame);
        if (!('event' in frame) || frame.event.type === 'error' || frame.event.type === 'response.done') break;
      }
      conversation.close();
      return seen.at(-1);
    };
    simulator.enqueueFault({ kind: 'inband_error', code: 7 });
    expect(await run()).toMatchObject({ event: { type: 'error', error: { code: 7 } } });
    simulator.enqueueFault({ kind: 'close', closeCode: 1013, afterFrames: 2 });
    expect(await run()).toEqual({ closed: 1013 });
    simulator.enqueueFault({ kind: 'malformed', afterFrames: 1 });
    expect(await run()).toEqual({ raw: expect.stringContaining('"event":{"type":') });
    simulator.enqueueFault({ kind: 'cut', afterFrames: 1 });
    expect(await run()).toEqual({ closed: 1006 });
  });

  test('every client message is recorded as method WS', async () => {
    simulator.reset();
    const conversation = await open();
    await startSession(conversation);
    conversation.close();
    const recorded = simulator.requests.filter((request) => request.method === 'WS');
    expect((recorded[0]!.body as Frame).event.type).toBe('session.create');
    expect(recorded[0]!.cookies.sso).toBe('token-a');
  });
});
