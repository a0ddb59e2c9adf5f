import type { Config } from '../config/schema';
import type { SocketObserver } from '../upstream/grok/gateway/gateway-socket';
import type { FetchFunction } from '../upstream/http';
import { redactHeaders, redactText, secretsOf, truncateText } from './redaction';

/**
 * Opt-in memory of the last upstream exchanges (`diagnostics.capture_*`), so an operator can
 * download what the upstream actually said when its protocol changed. Off by default; while off
 * it records nothing and costs one config read per call. Streamed bodies are copied (tee) only up
 * to the byte limit, so capture never slows or buffers a stream.
 */

export interface CapturedBody {
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface CapturedMessage {
  direction: 'sent' | 'received';
  at: string;
  body: CapturedBody;
}

export interface CapturedExchange {
  id: number;
  kind: 'http' | 'websocket';
  startedAt: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: CapturedBody;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: CapturedBody;
  /** WebSocket frames, both directions, each truncated. */
  messages?: CapturedMessage[];
  closeCode?: number;
  error?: string;
}

const NO_SOCKET: SocketObserver = { sent() {}, received() {}, closed() {}, failed() {} };
/** A WebSocket turn can have thousands of frames; the first ones show the protocol. */
const MESSAGES_PER_SOCKET = 200;

export class UpstreamCapture {
  private readonly exchanges: CapturedExchange[] = [];
  private nextId = 1;

  constructor(private readonly options: { config: () => Config; now?: () => number }) {}

  private settings(): Config['diagnostics'] {
    return this.options.config().diagnostics;
  }

  private timestamp(): string {
    return new Date((this.options.now ?? Date.now)()).toISOString();
  }

  list(): CapturedExchange[] {
    return this.exchanges.map((exchange) => structuredClone(exchange));
  }

  clear(): void {
    this.exchanges.length = 0;
  }

  /** A fetch that records what it sends and receives while capture is on. */
  wrapFetch(inner: FetchFunction = fetch): FetchFunction {
    const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const settings = this.settings();
      if (!settings.capture_enabled) return inner(input, init);
      const headers = new Headers(init?.headers);
      const secrets = secretsOf(headers);
      const exchange = this.add({
        kind: 'http',
        method: init?.method ?? 'GET',
        url: redactText(String(input instanceof Request ? input.url : input), secrets),
        requestHeaders: redactHeaders(headers),
        requestBody:
          typeof init?.body === 'string'
            ? this.body(init.body, secrets)
            : init?.body
              ? this.body('[binary or multipart body]', secrets)
              : undefined,
      });
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (error) {
        exchange.error = error instanceof Error ? redactText(error.message, secrets) : String(error);
        throw error;
      }
      exchange.status = response.status;
      exchange.responseHeaders = redactHeaders(response.headers);
      if (!response.body) return response;
      const [forCaller, forCapture] = response.body.tee();
      void this.readPrefix(forCapture, settings.capture_body_bytes).then(
        (text) => (exchange.responseBody = this.body(text, secrets)),
      );
      return new Response(forCaller, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
    return wrapped as FetchFunction;
  }

  /** Starts recording one WebSocket; a no-op recorder while capture is off. */
  socket(url: string, headers: Record<string, string>): SocketObserver {
    if (!this.settings().capture_enabled) return NO_SOCKET;
    const secrets = secretsOf(headers);
    const exchange = this.add({
      kind: 'websocket',
      method: 'GET',
      url: redactText(url, secrets),
      requestHeaders: redactHeaders(headers),
      messages: [],
    });
    const message = (direction: 'sent' | 'received', text: string) => {
      if (exchange.messages!.length < MESSAGES_PER_SOCKET)
        exchange.messages!.push({ direction, at: this.timestamp(), body: this.body(text, secrets) });
    };
    return {
      sent: (text) => message('sent', text),
      received: (text) => message('received', text),
      closed: (code) => (exchange.closeCode = code),
      failed: (error) => (exchange.error = redactText(error, secrets)),
    };
  }

  private add(fields: Omit<CapturedExchange, 'id' | 'startedAt'>): CapturedExchange {
    const exchange: CapturedExchange = { id: this.nextId++, startedAt: this.timestamp(), ...fields };
    this.exchanges.push(exchange);
    const size = this.settings().capture_size;
    if (this.exchanges.length > size) this.exchanges.splice(0, this.exchanges.length - size);
    return exchange;
  }

  private body(text: string, secrets: readonly string[]): CapturedBody {
    return truncateText(redactText(text, secrets), this.settings().capture_body_bytes);
  }

  /** Reads up to `maxBytes` (plus one chunk) of the copy, then lets it go. */
  private async readPrefix(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
      while (length <= maxBytes) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        length += value.byteLength;
      }
    } catch {
      // The caller's side broke the stream; what was read is still worth keeping.
    } finally {
      reader.cancel().catch(() => {});
    }
    return new TextDecoder().decode(Buffer.concat(chunks, length));
  }
}
