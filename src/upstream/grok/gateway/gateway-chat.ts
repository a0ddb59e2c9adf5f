import type { Config } from '../../../config/schema';
import { egressProxy } from '../../egress/egress-proxy';
import { UpstreamError } from '../../errors';
import { serviceTimeouts, type UpstreamService } from '../../service-timeouts';
import { preflightFor, startEventStream, type EventReader, type GrokChatStream } from '../chat-stream';
import type { GrokEvent } from '../frames';
import { gatewayHeaders, gatewayUrl } from './gateway-headers';
import { conversationItemCreate, ping, responseCreate, sessionCreate, type GatewayTurn } from './gateway-messages';
import { GatewayEventParser } from './gateway-events';
import {
  closeFailure,
  GatewaySocket,
  type SocketObserver,
  type SocketRead,
  type WebSocketConstructor,
} from './gateway-socket';

/**
 * One chat turn over the model gateway `/ws/mgw/` (docs/upstream-protocol.md §8.4):
 * open, `session.create`, wait for `session.created` + `conversation.attached`, send the user
 * turn and `response.create`, stream until `response.done`, close. The result is the same
 * `GrokChatStream` the REST transport returns, pre-flight included.
 */

/** §8.6: the reference pings every 25 s while it waits. */
export const HEARTBEAT_SECONDS = 25;

export interface GatewayChatInput {
  config: Config;
  token: string;
  userId: string;
  turn: GatewayTurn;
  /** The account's proxy (from the pool); `proxy.base_proxy_url` when omitted. */
  proxyUrl?: string;
  signal?: AbortSignal;
  WebSocket?: WebSocketConstructor;
  /** Called once per socket with its URL and handshake headers (the diagnostics capture). */
  observeSocket?: (url: string, headers: Record<string, string>) => SocketObserver;
  heartbeatSeconds?: number;
  now?: () => number;
  randomId?: () => string;
  /** Whose deadlines apply (`chat.*`, `image.*`, `video.*`); default chat. */
  service?: UpstreamService;
}

export async function startGatewayChat(input: GatewayChatInput): Promise<GrokChatStream> {
  const { config } = input;
  const url = gatewayUrl(config.upstream.base_url, input.userId);
  // Bun's WebSocket writes its handshake headers in its own (sorted) order, so a record loses nothing.
  const headers = Object.fromEntries(gatewayHeaders(config, input.token, input.userId));
  const socket = await GatewaySocket.open({
    url,
    headers,
    observer: input.observeSocket?.(url, headers),
    proxyUrl:
      (await egressProxy(input.proxyUrl ?? config.proxy.base_proxy_url, {
        skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
      })) ?? '',
    handshakeTimeoutSeconds: serviceTimeouts(config, input.service ?? 'chat').connectSeconds,
    signal: input.signal,
    WebSocket: input.WebSocket,
  });
  return startEventStream(new GatewayReader(socket, input), preflightFor(input.service));
}

class GatewayReader implements EventReader {
  private readonly parser: GatewayEventParser;
  private readonly queue: GrokEvent[] = [];
  private readonly now: () => number;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly clientMessageId: string;
  private readonly timeouts: ReturnType<typeof serviceTimeouts>;
  /** A failure met by `takeBuffered`, thrown by the next `next()`. */
  private failure: unknown;
  private turnSent = false;
  private heardFromServer = false;
  private ended = false;
  private readonly onAbort = () => this.close();
  private readonly signal: AbortSignal | undefined;
  /** Until it is sent; the reader lives as long as the answer streams and need not keep the prompt. */
  private turn: GatewayTurn | undefined;

  constructor(
    private readonly socket: GatewaySocket,
    input: GatewayChatInput,
  ) {
    this.signal = input.signal;
    this.turn = input.turn;
    this.now = input.now ?? Date.now;
    this.timeouts = serviceTimeouts(input.config, input.service ?? 'chat');
    const randomId = input.randomId ?? (() => crypto.randomUUID());
    const initEventId = `evt_init_${randomId()}`;
    this.parser = new GatewayEventParser({ assetsUrl: input.config.upstream.assets_url, initEventId });
    this.clientMessageId = randomId();
    socket.send(
      sessionCreate(
        input.turn,
        { initEventId, nowMs: this.now(), clientMessageId: this.clientMessageId },
        {
          temporary: input.config.app.temporary,
          disableMemory: input.config.app.disable_memory,
        },
      ),
    );
    const heartbeatSeconds = input.heartbeatSeconds ?? HEARTBEAT_SECONDS;
    this.heartbeat = setInterval(() => socket.send(ping(this.now())), heartbeatSeconds * 1000);
    input.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async next(): Promise<GrokEvent | undefined> {
    while (this.queue.length === 0) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        throw failure;
      }
      // The upstream finished the turn: it is complete (and charged) even if the client left since.
      if (this.ended && this.parser.progress.done) return undefined;
      // A reader closed by the client's abort has not finished the answer: ending it quietly would
      // read as a completed turn (and be charged) though the upstream never finished or even began it.
      if (this.signal?.aborted) {
        this.close();
        throw this.signal.reason;
      }
      if (this.ended) throw closedEarly();
      // Until the first server event the first-byte deadline applies, then the idle one.
      const deadline = this.heardFromServer ? this.timeouts.idleSeconds : this.timeouts.firstByteSeconds;
      const read = await this.socket.read(deadline).catch((error: unknown) => {
        this.close();
        throw this.beforeTurn(error);
      });
      this.absorb(read);
    }
    return this.queue.shift();
  }

  /**
   * An event from frames that already arrived, without waiting (several frames of one network
   * read go to the client in one write). A failure among them is kept for `next()` to throw.
   */
  takeBuffered(): GrokEvent | undefined {
    while (this.queue.length === 0) {
      if (this.failure !== undefined || this.ended || this.signal?.aborted) return undefined;
      const read = this.socket.take();
      if (!read) return undefined;
      try {
        this.absorb(read);
      } catch (error) {
        this.failure = error;
        return undefined;
      }
    }
    return this.queue.shift();
  }

  /** One frame or the close into events; throws the turn's failure. */
  private absorb(read: SocketRead): void {
    if (read.kind === 'closed') {
      this.close();
      if (this.signal?.aborted) throw this.signal.reason;
      throw this.beforeTurn(closeFailure(read.code, read.reason));
    }
    this.heardFromServer = true;
    let events: GrokEvent[];
    try {
      events = this.parser.parse(read.text);
    } catch (error) {
      this.close();
      throw error;
    }
    for (const event of events) this.queue.push(event);
    this.sendTurnWhenReady();
    if (this.parser.progress.done) this.close();
  }

  /** Before `response.create` went out nothing was generated, so a broken socket may be retried. */
  private beforeTurn(error: unknown): unknown {
    if (this.turnSent || !(error instanceof UpstreamError) || error.retryable) return error;
    if (!['network', 'stream_truncated', 'stream_idle_timeout'].includes(error.code)) return error;
    return new UpstreamError({
      code: error.code,
      message: error.message,
      retryable: true,
      accountEffect: error.accountEffect,
      cause: error.cause,
    });
  }

  /** §8.4 rule 1: the turn goes only after both `session.created` and `conversation.attached`. */
  private sendTurnWhenReady(): void {
    const { sessionId, attached } = this.parser.progress;
    const turn = this.turn;
    if (this.turnSent || !attached || !sessionId || !turn) return;
    this.turnSent = true;
    this.turn = undefined;
    const nowMs = this.now();
    this.socket.send(
      conversationItemCreate(sessionId, turn, {
        initEventId: '',
        nowMs,
        clientMessageId: this.clientMessageId,
      }),
    );
    this.socket.send(responseCreate(sessionId, nowMs));
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.socket.close();
  }
}

/** The reader was closed (by its owner) before `response.done`: the turn did not complete. */
function closedEarly(): UpstreamError {
  return new UpstreamError({
    code: 'stream_truncated',
    message: 'chat gateway: the turn was closed before the response was done',
    retryable: false,
    accountEffect: 'none',
  });
}

/** The gateway needs a UUID user id; without one only REST can serve the account. */
export function missingUserId(): UpstreamError {
  return new UpstreamError({
    code: 'bad_response',
    message: 'chat gateway: the session lookup gave no UUID user id for this account',
    retryable: true,
    accountEffect: 'none',
  });
}
