/**
 * The floor of a chat turn over the gateway WebSocket (docs/upstream-protocol.md §8), the
 * gateway's default transport: the least a Bun program can do to answer an OpenAI chat request
 * from it. It opens the socket with the runtime's `ws` module (as the gateway does), sends the three
 * client events, JSON-parses every frame and answers with OpenAI-shaped chunks, one client write
 * per batch of frames that arrived together (or one JSON body). No authentication, pool, storage,
 * validation, logging or metrics. bench/chat.ts measures it beside the gateway in the same run.
 *
 * PROXY_UPSTREAM: the simulator; FLOOR_TOKENS: its account tokens, comma-separated.
 */
import WebSocket from 'ws';
import { conversationItemCreate, responseCreate, sessionCreate } from '../src/upstream/grok/gateway/gateway-messages';

const upstream = process.env.PROXY_UPSTREAM;
const tokens = (process.env.FLOOR_TOKENS ?? '').split(',').filter(Boolean);
if (!upstream || tokens.length === 0) throw new Error('PROXY_UPSTREAM and FLOOR_TOKENS are required');

// The user id of each account (§6), looked up once, as the gateway caches it.
const userIds = new Map<string, string>();
for (const token of tokens) {
  const answer = await fetch(`${upstream}/api/auth/session`, { headers: { cookie: `sso=${token}; sso-rw=${token}` } });
  userIds.set(token, ((await answer.json()) as { session: { userId: string } }).session.userId);
}

const encoder = new TextEncoder();
let nextAccount = 0;

/** Runs one turn; `onText` gets every answer text as it arrives, `onEnd` once at `response.done`. */
function turn(message: string, onText: (text: string) => void, onEnd: () => void): void {
  const token = tokens[nextAccount++ % tokens.length]!;
  const userId = userIds.get(token)!;
  const request = { mode: 'fast' as const, message, fileIds: [] };
  const ids = { initEventId: 'evt_init_floor', nowMs: Date.now(), clientMessageId: 'floor' };
  const socket = new WebSocket(`${upstream!.replace(/^http/, 'ws')}/ws/mgw/?uid=${userId}`, {
    headers: { cookie: `sso=${token}; sso-rw=${token}; x-userid=${userId}` },
  });
  let sessionId = '';
  socket.on('open', () =>
    socket.send(JSON.stringify(sessionCreate(request, ids, { temporary: true, disableMemory: true }))),
  );
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString('utf8'));
    switch (frame.event?.type) {
      case 'session.created':
        sessionId = frame.session_id;
        return;
      case 'conversation.attached':
        socket.send(JSON.stringify(conversationItemCreate(sessionId, request, { ...ids, initEventId: '' })));
        socket.send(JSON.stringify(responseCreate(sessionId, Date.now())));
        return;
      case 'response.chunk':
        onText(frame.event.chunk.text.text);
        return;
      case 'response.done':
        onEnd();
        socket.close(1000);
    }
  });
}

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const body = (await request.json()) as { stream?: boolean; model: string; messages: { content: string }[] };
    const message = body.messages.at(-1)!.content;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      let content = '';
      await new Promise<void>((resolve) => turn(message, (text) => (content += text), resolve));
      return Response.json({
        id: 'chatcmpl-floor',
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    }
    const head = `{"id":"chatcmpl-floor","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(body.model)},"choices":[{"index":0,"delta":{"content":`;
    let pending = '';
    let scheduled = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const flush = () => {
      scheduled = false;
      if (pending) controller.enqueue(encoder.encode(pending));
      pending = '';
    };
    turn(
      message,
      (text) => {
        pending += `data: ${head}${JSON.stringify(text)}},"finish_reason":null}]}\n\n`;
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush); // after every frame of this network read
        }
      },
      () => {
        pending += 'data: [DONE]\n\n';
        flush();
        controller.close();
      },
    );
    return new Response(new ReadableStream<Uint8Array>({ start: (started) => void (controller = started) }), {
      headers: { 'content-type': 'text/event-stream' },
    });
  },
});
console.log(`websocket floor listening on http://127.0.0.1:${server.port}`);
