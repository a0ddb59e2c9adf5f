import type { Config } from '../../../config/schema';
import { egressProxy } from '../../egress/egress-proxy';
import { UpstreamError } from '../../errors';
import { serviceTimeouts, type UpstreamService } from '../../service-timeouts';
import { preflightFor, startEventStream, type EventReader, type GrokChatStream } from '../chat-stream';
import type { GrokEvent } from '../frames';
import { gatewayHeaders, gatewayUrl } from './gateway-headers';
import { conversationItemCreate, ping, responseCreate, sessionCreate, type GatewayTurn } from './gateway-messages';
import { GatewayEventParser } from './gateway-events';
import { closeFailure, GatewaySocket, type SocketObserver, type WebSocketConstructor } from './gateway-socket';

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
  private turnSent = false;
  private heardFromServer = false;
  private ended = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly socket: GatewaySocket,
    private readonly input: GatewayChatInput,
  ) {
    this.now = input.now ?? Date.now;
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
      // A reader closed by the client's abort has not finished the answer: ending it quietly would
      // read as a completed turn (and be charged) though the upstream never finished or even began it.
      if (this.input.signal?.aborted) {
        this.close();
        throw this.input.signal.reason;
      }
      if (this.ended) {
        if (this.parser.progress.done) return undefined;
        throw closedEarly();
      }
      const timeouts = serviceTimeouts(this.input.config, this.input.service ?? 'chat');
      // Until the first server event the first-byte deadline applies, then the idle one.
      const deadline = this.heardFromServer ? timeouts.idleSeconds : timeouts.firstByteSeconds;
      const read = await this.socket.read(deadline).catch((error: unknown) => {
        this.close();
        throw this.beforeTurn(error);
      });
      if (read.kind === 'closed') {
        this.close();
        if (this.input.signal?.aborted) throw this.input.signal.reason;
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
      this.queue.push(...events);
      this.sendTurnWhenReady();
      if (this.parser.progress.done) this.close();
    }
    return this.queue.shift();
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
    if (this.turnSent || !attached || !sessionId) return;
    this.turnSent = true;
    const nowMs = this.now();
    this.socket.send(
      conversationItemCreate(sessionId, this.input.turn, {
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
    this.input.signal?.removeEventListener('abort', this.onAbort);
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
