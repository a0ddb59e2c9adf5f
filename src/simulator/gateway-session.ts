import { randomUUID } from 'node:crypto';
import type { ServerWebSocket, WebSocketHandler } from 'bun';
import { abortableSleep } from './abortable-sleep';
import { composeAnswer } from './chat-answer';
import { faultApplies } from './fault-rules';
import * as events from './gateway-events';
import type { GatewayEvent } from './gateway-events';
import type { SimulatorState } from './simulator-state';
import { MODES, type Fault, type Mode } from './types';

/**
 * One model-gateway socket (§8.2–§8.6), enforcing the §8.4 rules: `session.create` first, then
 * one `conversation.item.create` and one `response.create` per turn. Pings get a pong; unknown
 * event types are ignored; a rule broken gets an `error` event. Every client message is recorded
 * as a request with method `WS` so tests can assert what the gateway sent.
 */

export interface GatewaySocketData {
  token: string;
  session?: GatewaySession;
}

type Socket = ServerWebSocket<GatewaySocketData>;

const GATEWAY_PATH = '/ws/mgw/';
const DEFAULT_AFTER_FRAMES = 3;
const MALFORMED_FRAME = '{"session_id":"broken","event":{"type":';

export function gatewayWebSocketHandlers(state: SimulatorState): WebSocketHandler<GatewaySocketData> {
  return {
    open(socket) {
      socket.data.session = new GatewaySession(state, socket);
    },
    message(socket, message) {
      if (typeof message === 'string') socket.data.session?.receive(message);
    },
    close(socket) {
      socket.data.session?.stop();
    },
  };
}

interface Pending {
  message: string;
}

export class GatewaySession {
  private sessionId: string | undefined;
  private mode: Mode = 'auto';
  private temporary = true;
  private pending: Pending | undefined;
  private turning = false;
  private readonly stopped = new AbortController();

  constructor(
    private readonly state: SimulatorState,
    private readonly socket: Socket,
  ) {}

  receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    this.record(text, value);
    const envelope = readEnvelope(value);
    if (!envelope)
      return this.send(
        events.errorEvent(this.sessionId, 'invalid_argument', 'every message must be {"event":{"type":…}}'),
      );
    const { type } = envelope.event;
    if (type === 'ping') return this.send(events.pong(stringField(envelope.event, 'event_id')));
    if (type === 'session.create') return this.createSession(envelope);
    if (type === 'conversation.item.create') return this.createItem(envelope);
    if (type === 'response.create') return void this.respond(envelope);
  }

  stop(): void {
    this.stopped.abort();
  }

  private createSession(envelope: Envelope): void {
    if (this.sessionId)
      return this.send(events.errorEvent(this.sessionId, 'failed_precondition', 'session.create was already sent'));
    const session = objectField(envelope.event, 'session');
    const model = session ? stringField(session, 'model') : undefined;
    if (!model || !MODES.includes(model as Mode))
      return this.send(
        events.errorEvent(undefined, 'invalid_argument', 'session.model must be fast, auto, expert or heavy'),
      );
    const xGrok = session ? objectField(session, 'x_grok') : undefined;
    let sessionId: string = randomUUID();
    if (xGrok?.load_existing === true) {
      // A follow-up turn (§8.5) re-attaches a conversation this simulator created.
      const existing = envelope.session_id ?? stringField(xGrok, 'conversation_id');
      if (!existing || !this.state.conversations.has(existing))
        return this.send(events.errorEvent(undefined, 'not_found', 'conversation not found'));
      sessionId = existing;
    }
    this.mode = model as Mode;
    this.temporary = xGrok?.is_temporary !== false;
    this.sessionId = sessionId;
    this.state.conversations.add(sessionId);
    this.send(events.sessionCreated(sessionId, stringField(envelope.event, 'event_id') ?? ''));
    this.send(events.conversationAttached(sessionId));
  }

  private createItem(envelope: Envelope): void {
    if (!this.sessionId || envelope.session_id !== this.sessionId) {
      return this.send(
        events.errorEvent(
          this.sessionId,
          'failed_precondition',
          'conversation.item.create before session.created, or for another session',
        ),
      );
    }
    if (this.pending || this.turning)
      return this.send(
        events.errorEvent(this.sessionId, 'failed_precondition', 'one conversation.item.create per turn'),
      );
    const message = userText(envelope.event);
    if (message === undefined)
      return this.send(
        events.errorEvent(this.sessionId, 'invalid_argument', 'the item needs exactly one non-empty text chunk'),
      );
    this.pending = { message };
  }

  private async respond(envelope: Envelope): Promise<void> {
    const sessionId = this.sessionId;
    const pending = this.pending;
    if (!sessionId || !pending || envelope.session_id !== sessionId) {
      return this.send(
        events.errorEvent(sessionId, 'failed_precondition', 'response.create needs a conversation.item.create first'),
      );
    }
    this.pending = undefined;
    this.turning = true;
    const release = this.state.streams.open(() => this.stopped.abort());
    try {
      await this.stream(sessionId, pending.message);
    } finally {
      release();
      this.turning = false;
    }
  }

  private async stream(sessionId: string, message: string): Promise<void> {
    const account = this.state.accounts.get(this.socket.data.token);
    if (!account) return this.socket.close(4401, 'unauthenticated');
    const turn = {
      message,
      mode: this.mode,
      thinking: this.mode === 'expert' || this.mode === 'heavy',
      temporary: this.temporary,
    };
    if (this.state.accounts.window(account, turn.mode).remaining <= 0)
      return this.send(events.usageLimitEvent(sessionId));
    const fault = this.state.faults.take((candidate) => faultApplies(candidate, 'stream', account.token, GATEWAY_PATH));
    if (fault?.kind === 'inband_error') return this.send(events.errorEvent(sessionId, fault.code ?? 8, fault.message));
    if (fault?.kind === 'usage_limit') return this.send(events.usageLimitEvent(sessionId));

    const script = this.state.scripts.take(
      (candidate) => candidate.match?.token === undefined || candidate.match.token === account.token,
    );
    const planned = events.answerEvents(sessionId, composeAnswer(turn, script), randomUUID());
    if (!fault || fault.kind === 'moderated') this.state.accounts.consume(account, turn.mode);
    await this.play(sessionId, planned, fault);
  }

  /** Sends the planned events, shaped by a stream fault. */
  private async play(sessionId: string, planned: GatewayEvent[], fault: Fault | undefined): Promise<void> {
    const afterFrames = Math.max(0, Math.floor(fault?.afterFrames ?? DEFAULT_AFTER_FRAMES));
    const shaped =
      fault && fault.kind !== 'moderated' ? planned.slice(0, Math.min(afterFrames, planned.length - 1)) : planned;
    for (const [index, event] of shaped.entries()) {
      if (index > 0 && this.state.options.tokenDelayMs > 0)
        await abortableSleep(this.state.options.tokenDelayMs, this.gone());
      if (this.gone().aborted) return;
      this.send(event);
    }
    switch (fault?.kind) {
      case 'stream_errors':
        this.send(events.streamError(sessionId, fault.message ?? 'The model failed to complete this response.'));
        this.send(events.responseDone(sessionId, randomUUID(), 'failed'));
        return;
      case 'malformed':
        this.socket.send(MALFORMED_FRAME);
        return;
      case 'cut':
        this.socket.terminate();
        return;
      case 'close':
        this.socket.close(fault.closeCode ?? 1011, fault.message ?? 'gateway closed');
        return;
      case 'stall':
        // Silence until the client gives up or the simulator stops.
        await abortableSleep(5 * 60 * 1000, this.gone());
        return;
      default:
        return;
    }
  }

  private gone(): AbortSignal {
    return AbortSignal.any([this.stopped.signal, this.state.shutdown.signal]);
  }

  private send(event: GatewayEvent): void {
    if (!this.stopped.signal.aborted) this.socket.send(JSON.stringify(event));
  }

  private record(text: string, value: unknown): void {
    this.state.requests.push({
      method: 'WS',
      path: GATEWAY_PATH,
      query: {},
      headers: {},
      cookies: { sso: this.socket.data.token },
      body: value === undefined ? text : value,
      rawBody: text,
      at: Date.now(),
    });
  }
}

interface Envelope {
  session_id?: string;
  event: Record<string, unknown> & { type: string };
}

function readEnvelope(value: unknown): Envelope | undefined {
  if (!isObject(value) || !isObject(value.event) || typeof value.event.type !== 'string') return undefined;
  const sessionId = typeof value.session_id === 'string' ? value.session_id : undefined;
  return { session_id: sessionId, event: value.event as Envelope['event'] };
}

/** §8.2: file mentions first, then exactly one text chunk with the whole prompt. */
function userText(event: Record<string, unknown>): string | undefined {
  const item = objectField(event, 'item');
  const xGrok = item ? objectField(item, 'x_grok') : undefined;
  const chunks = xGrok?.input_chunks;
  if (!Array.isArray(chunks)) return undefined;
  const texts = chunks
    .filter((chunk) => isObject(chunk) && isObject(chunk.text))
    .map((chunk) => (chunk as { text: { text?: unknown } }).text.text);
  if (texts.length !== 1 || typeof texts[0] !== 'string' || texts[0].trim() === '') return undefined;
  return texts[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectField(value: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const field = value[key];
  return isObject(field) ? field : undefined;
}

function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}
