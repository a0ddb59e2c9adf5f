/**
 * A hand-driven upstream for client tests: each test decides exactly what the server answers,
 * byte by byte, and sees every request and every disconnect.
 */

export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

export type Handler = (request: Request, seen: SeenRequest) => Response | Promise<Response>;

export interface FakeUpstream {
  url: string;
  requests: SeenRequest[];
  /** Resolves when the client dropped a streamed response. */
  disconnected: Promise<void>;
  stop(): Promise<void>;
}

export function startFakeUpstream(handler: Handler): FakeUpstream {
  const requests: SeenRequest[] = [];
  let markDisconnected = () => {};
  const disconnected = new Promise<void>((resolve) => (markDisconnected = resolve));
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const seen: SeenRequest = {
        method: request.method,
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: await request.text(),
      };
      requests.push(seen);
      request.signal.addEventListener('abort', () => markDisconnected());
      return handler(request, seen);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    disconnected,
    stop: () => server.stop(true),
  };
}

const encoder = new TextEncoder();

/** A streamed body from pieces; `hold` keeps it open after the pieces, `cut` ends it. */
export function streamBody(
  pieces: string[],
  ending: 'end' | 'hold' = 'end',
  onCancel?: () => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(controller) {
      for (const piece of pieces) {
        controller.enqueue(encoder.encode(piece));
        await Bun.sleep(1);
      }
      if (ending === 'end') controller.close();
    },
    cancel() {
      onCancel?.();
    },
  });
}

export const line = (frame: unknown) => `${JSON.stringify(frame)}\n`;
export const tokenFrame = (token: string, extra: Record<string, unknown> = {}) =>
  line({ result: { response: { token, isThinking: false, messageTag: 'final', responseId: 'resp_1', ...extra } } });
