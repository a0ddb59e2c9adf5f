import type { IncomingMessage } from 'node:http';
import NodeStyleWebSocket from 'ws';

/**
 * A WebSocket client that can tell why the upstream refused the upgrade.
 *
 * Bun's global WebSocket reports a refused upgrade only as the text "Expected 101 status code:
 * 429": the headers (Retry-After) and the body (a Cloudflare challenge page or a JSON error) are
 * dropped, so a 429 could only get the default wait and every 403 read as a challenge. Bun's
 * built-in `ws` module — part of the runtime, also inside the compiled binary, no npm package —
 * performs the HTTP/1.1 upgrade itself and hands a refused one to `unexpected-response` with the
 * full response. This class puts the small part of the browser WebSocket interface our sockets use
 * (gateway-socket.ts, imagine-socket.ts) on top of it, and reports a refusal as an `error` event
 * carrying `refusal` (status, headers, at most 16 KiB of body), then a close with 1006.
 */

export interface HandshakeRefusal {
  status: number;
  headers: Headers;
  body: string;
}

/** The `error` event of a refused upgrade; `message` keeps Bun's wording for older readers. */
export class RefusedUpgradeEvent extends Event {
  readonly message: string;
  constructor(readonly refusal: HandshakeRefusal) {
    super('error');
    this.message = `Expected 101 status code: ${refusal.status}`;
  }
}

export function refusalOf(event: Event): HandshakeRefusal | undefined {
  return event instanceof RefusedUpgradeEvent ? event.refusal : undefined;
}

const BODY_LIMIT = 16 * 1024;
/** A refused upgrade's body is small; a server that trickles it does not hold the caller. */
const BODY_WAIT_MS = 2_000;

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      response.destroy();
      resolve(Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT));
    };
    const timer = setTimeout(done, BODY_WAIT_MS);
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= BODY_LIMIT) done();
    });
    response.on('end', done);
    response.on('error', done);
  });
}

export class HandshakeAwareWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  private readonly socket: NodeStyleWebSocket;
  private textListener: ((text: string) => void) | undefined;
  private refused = false;
  private closeSent = false;

  constructor(url: string, options: { headers?: Record<string, string>; proxy?: string } = {}) {
    super();
    this.socket = new NodeStyleWebSocket(url, {
      headers: options.headers,
      ...(options.proxy ? { proxy: options.proxy } : {}),
    });
    this.socket.on('open', () => this.dispatchEvent(new Event('open')));
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary && this.textListener) return this.textListener(data.toString('utf8'));
      this.dispatchEvent(new MessageEvent('message', { data: isBinary ? data : data.toString('utf8') }));
    });
    this.socket.on('close', (code, reason) => this.dispatchClose(code, reason.toString('utf8')));
    this.socket.on('error', (error) => {
      if (this.refused) return;
      const event = new Event('error') as Event & { message: string };
      event.message = error.message;
      this.dispatchEvent(event);
    });
    this.socket.on('unexpected-response', (_request, response) => {
      this.refused = true;
      const status = response.statusCode ?? 0;
      const headers = headersOf(response);
      void readBody(response).then((body) => {
        this.dispatchEvent(new RefusedUpgradeEvent({ status, headers, body }));
        this.dispatchClose(1006, '');
      });
    });
  }

  /**
   * Text frames go to `listener` instead of becoming `message` events: no event object and no
   * dispatch per frame on a chat turn's hot path (gateway-socket.ts). Binary frames stay events.
   */
  onText(listener: (text: string) => void): void {
    this.textListener = listener;
  }

  get readyState(): number {
    return this.refused ? HandshakeAwareWebSocket.CLOSED : this.socket.readyState;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  close(code?: number, reason?: string): void {
    if (this.refused) return;
    try {
      this.socket.close(code, reason);
    } catch {
      // Still connecting or already closed: drop the connection instead.
      this.socket.terminate();
    }
  }

  private dispatchClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.dispatchEvent(new CloseEvent('close', { code, reason }));
  }
}
