import { HandshakeAwareWebSocket, refusalOf } from '../../egress/handshake-websocket';
import { UpstreamError } from '../../errors';
import { transportError } from '../../http';
import { classifyHttpFailure } from '../classify';

/**
 * A WebSocket as an awaitable queue of text frames, with the deadlines the reference keeps
 * (docs/upstream-protocol.md §8.1, §8.6): a handshake deadline, an idle deadline per
 * read, and the caller's abort. Binary frames are ignored.
 */

/** A WebSocket constructor that takes headers and a proxy, as Bun's does (the DOM typing does not know them). */
export type WebSocketConstructor = new (url: string, options?: Bun.WebSocketOptions) => WebSocket;
/** Reads a refused upgrade's status, headers and body (egress/handshake-websocket.ts). */
const DefaultWebSocket = HandshakeAwareWebSocket as unknown as WebSocketConstructor;

/** Sees one socket's traffic (the diagnostics capture); never changes it. */
export interface SocketObserver {
  sent(text: string): void;
  received(text: string): void;
  closed(code: number): void;
  failed(message: string): void;
}

export interface OpenSocketInput {
  url: string;
  headers: Record<string, string>;
  /** HTTP(S) proxy URL; empty for a direct connection. */
  proxyUrl: string;
  /** Seconds until the socket must be open; 0 disables. */
  handshakeTimeoutSeconds: number;
  signal?: AbortSignal;
  WebSocket?: WebSocketConstructor;
  observer?: SocketObserver;
}

export type SocketRead = { kind: 'message'; text: string } | { kind: 'closed'; code: number; reason: string };

// Bun's global WebSocket reports a refused upgrade only through the error text (the status, no
// headers or body); an injected constructor may still do so. The default one hands us the whole
// refusal, so Retry-After and a JSON 403 classify as they do over REST.
// wreq's says "unexpected status code: 403 Forbidden".
const HANDSHAKE_STATUS = /(?:Expected 101|unexpected) status code: (\d{3})/;

export class GatewaySocket {
  private readonly queue: SocketRead[] = [];
  private waiting: { resolve: (read: SocketRead) => void; reject: (error: unknown) => void; idle: boolean } | undefined;
  private closedRead: SocketRead | undefined;
  /** One idle timer per socket, re-armed by each read that waits, instead of a new timer per frame. */
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private idleSeconds = 0;
  private wakeScheduled = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly observer: SocketObserver | undefined,
  ) {
    const onText = (text: string) => {
      observer?.received(text);
      this.push({ kind: 'message', text });
    };
    if (socket instanceof HandshakeAwareWebSocket) socket.onText(onText);
    else
      socket.addEventListener('message', (event) => {
        if (typeof event.data === 'string') onText(event.data);
      });
    socket.addEventListener('close', (event) => {
      observer?.closed(event.code);
      this.stopIdleTimer();
      this.closedRead = { kind: 'closed', code: event.code, reason: event.reason };
      this.push(this.closedRead);
    });
  }

  static open(input: OpenSocketInput): Promise<GatewaySocket> {
    const Constructor = input.WebSocket ?? DefaultWebSocket;
    return new Promise((resolve, reject) => {
      const options: Bun.WebSocketOptions = { headers: input.headers };
      if (input.proxyUrl) options.proxy = input.proxyUrl;
      let socket: WebSocket;
      try {
        socket = new Constructor(input.url, options);
      } catch (error) {
        reject(transportError('chat gateway', error));
        return;
      }
      let settled = false;
      let failure: unknown;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', onAbort);
        // Decided: these listeners would hold this scope (the input, its headers) as long as the socket lives.
        socket.removeEventListener('open', onOpen);
        socket.removeEventListener('error', onError);
        socket.removeEventListener('close', onClose);
        if (error === undefined) {
          resolve(new GatewaySocket(socket, input.observer));
          return;
        }
        socket.close();
        input.observer?.failed(error instanceof Error ? error.message : String(error));
        reject(error);
      };
      const onAbort = () => finish(input.signal?.reason);
      const timer =
        input.handshakeTimeoutSeconds > 0
          ? setTimeout(
              () =>
                finish(
                  new UpstreamError({
                    code: 'timeout',
                    message: `chat gateway: the WebSocket was not open within ${input.handshakeTimeoutSeconds}s`,
                    retryable: true,
                    accountEffect: 'none',
                  }),
                ),
              input.handshakeTimeoutSeconds * 1000,
            )
          : undefined;
      // Only the handshake's outcome is decided here; after it, the socket's own listeners take over
      // (no error objects are built for every normal close).
      const onOpen = () => finish();
      const onError = (event: Event) => {
        failure = handshakeFailure(event);
      };
      const onClose = () =>
        finish(failure ?? transportError('chat gateway', new Error('the connection closed during the handshake')));
      if (input.signal?.aborted) return onAbort();
      input.signal?.addEventListener('abort', onAbort, { once: true });
      socket.addEventListener('open', onOpen);
      socket.addEventListener('error', onError);
      socket.addEventListener('close', onClose);
    });
  }

  send(message: unknown): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    this.observer?.sent(text);
    this.socket.send(text);
  }

  /** The next frame or the close; `idleSeconds` of silence (0 = none) is a stream_idle_timeout. */
  read(idleSeconds: number): Promise<SocketRead> {
    const ready = this.take();
    if (ready) return Promise.resolve(ready);
    return new Promise<SocketRead>((resolve, reject) => {
      this.waiting = { resolve, reject, idle: idleSeconds > 0 };
      if (idleSeconds > 0) this.armIdleTimer(idleSeconds);
    });
  }

  /** A frame (or the close) that already arrived, without waiting; undefined when none has. */
  take(): SocketRead | undefined {
    return this.queue.shift() ?? this.closedRead;
  }

  close(): void {
    this.stopIdleTimer();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close(1000);
  }

  /** The deadline counts from the start of the read that waits: an armed timer is pushed back. */
  private armIdleTimer(seconds: number): void {
    if (this.idleTimer !== undefined && this.idleSeconds === seconds) {
      this.idleTimer.refresh();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleSeconds = seconds;
    this.idleTimer = setTimeout(() => this.onIdle(), seconds * 1000);
  }

  private onIdle(): void {
    const waiting = this.waiting;
    // A read that was answered in time (or whose frame is queued), or one that waits without a deadline, is not failed.
    if (!waiting?.idle || this.queue.length > 0) return;
    this.waiting = undefined;
    waiting.reject(
      new UpstreamError({
        code: 'stream_idle_timeout',
        message: `chat gateway: no data from upstream for ${this.idleSeconds}s`,
        retryable: false,
        accountEffect: 'none',
      }),
    );
  }

  private stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /**
   * Queues a frame; a waiting read is answered once the frames of the same network read have all
   * been queued (the runtime hands them over one callback at a time and runs the reader between
   * two), so they reach the client as one batch instead of one write each.
   */
  private push(read: SocketRead): void {
    if (read.kind === 'message' || this.queue.at(-1)?.kind !== 'closed') this.queue.push(read);
    if (this.waiting && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(this.wake);
    }
  }

  private readonly wake = () => {
    this.wakeScheduled = false;
    const waiting = this.waiting;
    const read = waiting && this.take();
    if (!waiting || !read) return;
    this.waiting = undefined;
    waiting.resolve(read);
  };
}

function handshakeFailure(event: Event): UpstreamError {
  const refusal = refusalOf(event);
  if (refusal)
    return classifyHttpFailure(refusal.status, refusal.headers, refusal.body, { purpose: 'chat gateway handshake' });
  const message = 'message' in event && typeof event.message === 'string' ? event.message : '';
  const status = HANDSHAKE_STATUS.exec(message);
  if (status) return classifyHttpFailure(Number(status[1]), new Headers(), '', { purpose: 'chat gateway handshake' });
  return transportError('chat gateway', new Error(message || 'the WebSocket failed'));
}

/**
 * A close before `response.done` (§8.6). The gateway documents no codes of its own; these follow
 * RFC 6455 and the 4xxx convention of mirroring an HTTP status.
 */
export function closeFailure(code: number, reason: string): UpstreamError {
  const detail = `chat gateway: the socket closed with code ${code}${reason ? ` (${reason.slice(0, 120)})` : ''} before the answer was complete`;
  const fail = (fields: Omit<ConstructorParameters<typeof UpstreamError>[0], 'message'>) =>
    new UpstreamError({ ...fields, message: detail });
  if (code === 1008 || code === 4003 || code === 4403)
    return fail({ code: 'anti_bot', retryable: true, accountEffect: 'none' });
  if (code === 4001 || code === 4401)
    return fail({ code: 'unauthorized', retryable: true, accountEffect: 'auth_failure' });
  if (code === 4029 || code === 4429) return fail({ code: 'rate_limited', retryable: true, accountEffect: 'cool' });
  if (code === 1011 || code === 1012 || code === 1013 || code === 1014)
    return fail({ code: 'server_error', retryable: true, accountEffect: 'none' });
  if (code === 1006) return fail({ code: 'network', retryable: false, accountEffect: 'none' });
  return fail({ code: 'stream_truncated', retryable: false, accountEffect: 'none' });
}
