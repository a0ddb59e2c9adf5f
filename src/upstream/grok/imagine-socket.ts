import { Type } from '@sinclair/typebox';
import type { Config } from '../../config/schema';
import { egressProxy } from '../egress/egress-proxy';
import { HandshakeAwareWebSocket, refusalOf } from '../egress/handshake-websocket';
import { upstreamWebSocket } from '../egress/wreq-client';
import { UpstreamError } from '../errors';
import { pick } from './frames';
import { classifyHttpFailure } from './classify';
import { cookieHeader, socketHeaders } from './headers';

/**
 * The Imagine WebSocket (docs/upstream-protocol.md §12.1, G form): one reset, one
 * request for `n` images with the aspect ratio, then slots until `n` usable images or every
 * slot completed. Moderated slots produce nothing. Frames are checked against schemas.
 */

export const IMAGINE_PATH = '/ws/imagine/listen';

export interface ImagineRequest {
  config: Config;
  token: string;
  prompt: string;
  count: number;
  aspectRatio: string;
  nsfw: boolean;
  signal?: AbortSignal;
  /**
   * The account's proxy from the pool (GrokClient.egressFor), HTTP(S) or SOCKS; default
   * `proxy.base_proxy_url`. The socket leaves through the same egress as the account's chat, so
   * its Cloudflare clearance and the upstream's view of the account stay on one IP.
   */
  proxyUrl?: string;
  /** Tests may inject another implementation; Bun's accepts `headers` and `proxy`. */
  WebSocketImpl?: typeof WebSocket;
}

export interface ImagineImage {
  index: number;
  url?: string;
  bytes: Uint8Array;
}

export interface ImagineSession {
  collect(
    onPreview?: (preview: { index: number; bytes: Uint8Array; progress: number }) => void,
  ): Promise<{ images: ImagineImage[]; moderated: number }>;
  close(): void;
}

const JsonFrame = Type.Object({
  type: Type.Literal('json'),
  current_status: Type.Optional(Type.String()),
  image_id: Type.Optional(Type.String()),
  job_id: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  order: Type.Optional(Type.Number()),
  moderated: Type.Optional(Type.Boolean()),
});
const ImageFrame = Type.Object({
  type: Type.Literal('image'),
  id: Type.Optional(Type.String()),
  image_id: Type.Optional(Type.String()),
  job_id: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  blob: Type.Optional(Type.String()),
  percentage_complete: Type.Optional(Type.Number()),
  order: Type.Optional(Type.Number()),
  side_by_side_index: Type.Optional(Type.Number()),
  grid_index: Type.Optional(Type.Number()),
});
const ErrorFrame = Type.Object({
  type: Type.Literal('error'),
  err_code: Type.Optional(Type.String()),
  err_msg: Type.Optional(Type.String()),
});

function socketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/i, 'ws')}${IMAGINE_PATH}`;
}

function decodeBlob(blob: string): Uint8Array {
  const payload = blob.startsWith('data:') ? blob.slice(blob.indexOf(',') + 1) : blob;
  return new Uint8Array(Buffer.from(payload, 'base64'));
}

/** Bun reports a refused handshake only in the error text ("Expected 101 status code: 429"). */
function handshakeError(message: string): UpstreamError {
  const status = Number(/status code:?\s*(\d{3})/i.exec(message)?.[1] ?? 0) || undefined;
  if (status === 429)
    return new UpstreamError({
      code: 'rate_limited',
      status,
      message: 'imagine: rate limited at handshake',
      retryable: true,
      accountEffect: 'cool',
    });
  if (status === 401)
    return new UpstreamError({
      code: 'unauthorized',
      status,
      message: 'imagine: session rejected',
      retryable: true,
      accountEffect: 'auth_failure',
    });
  if (status === 403)
    return new UpstreamError({
      code: 'cloudflare_challenge',
      status,
      message: 'imagine: handshake refused (403)',
      retryable: true,
      accountEffect: 'none',
    });
  return new UpstreamError({
    code: 'network',
    status,
    message: `imagine: connection failed${status ? ` (${status})` : ''}`,
    retryable: true,
    accountEffect: 'none',
  });
}

function frameError(code: string | undefined, message: string | undefined): UpstreamError {
  const text = `${code ?? ''} ${message ?? ''}`.toLowerCase();
  if (text.includes('rate') || text.includes('usage limit')) {
    return new UpstreamError({
      code: 'usage_limit',
      message: 'imagine: usage limit reached',
      retryable: true,
      accountEffect: 'cool',
    });
  }
  return new UpstreamError({
    code: 'stream_error',
    message: `imagine: ${code ?? 'error'}`,
    retryable: false,
    accountEffect: 'none',
  });
}

export async function openImagineSession(request: ImagineRequest): Promise<ImagineSession> {
  const { config } = request;
  // Reads a refused upgrade's status, headers and body (egress/handshake-websocket.ts).
  const configured = (await upstreamWebSocket(config)) as unknown as typeof WebSocket | undefined;
  const chosen = request.WebSocketImpl ?? configured;
  const Socket = chosen ?? (HandshakeAwareWebSocket as unknown as typeof WebSocket);
  // Bun's WebSocket writes its handshake headers in its own (sorted) order, so a record loses nothing.
  const headers = Object.fromEntries(socketHeaders(config, cookieHeader(request.token, config.proxy)));
  let proxy: string | undefined;
  try {
    proxy = await egressProxy(request.proxyUrl ?? config.proxy.base_proxy_url, {
      skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
    });
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError({
      code: 'network',
      message: 'imagine: the proxy could not be reached',
      retryable: true,
      accountEffect: 'none',
      cause: error,
    });
  }
  const options: Bun.WebSocketOptions = proxy ? { headers, proxy } : { headers };
  const socket = new Socket(socketUrl(config.upstream.base_url), options as unknown as string[]);
  const frames: unknown[] = [];
  let wake: (() => void) | null = null;
  let failure: UpstreamError | null = null;
  let closed = false;
  const notify = () => {
    wake?.();
    wake = null;
  };
  socket.addEventListener('message', (event) => {
    try {
      frames.push(JSON.parse(String(event.data)));
    } catch {
      // A frame we cannot read is skipped, as the browser would.
    }
    notify();
  });
  let closeCode: number | undefined;
  socket.addEventListener('close', (event) => {
    closed = true;
    closeCode = (event as CloseEvent).code;
    notify();
  });
  const close = () => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  };
  request.signal?.addEventListener('abort', close, { once: true });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        close();
        reject(
          new UpstreamError({
            code: 'timeout',
            message: 'imagine: no handshake in time',
            retryable: true,
            accountEffect: 'none',
          }),
        );
      },
      Math.max(1, config.image.connect_timeout || config.image.timeout) * 1000,
    );
    socket.addEventListener(
      'open',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    socket.addEventListener(
      'error',
      (event) => {
        clearTimeout(timer);
        const refusal = refusalOf(event);
        failure = refusal
          ? classifyHttpFailure(refusal.status, refusal.headers, refusal.body, {
              purpose: 'imagine handshake',
              secrets: [request.token],
            })
          : handshakeError((event as ErrorEvent).message ?? '');
        reject(failure);
      },
      { once: true },
    );
  });

  const now = Date.now();
  socket.send(
    JSON.stringify({
      type: 'conversation.item.create',
      timestamp: now,
      item: { type: 'message', content: [{ type: 'reset' }] },
    }),
  );
  socket.send(
    JSON.stringify({
      type: 'conversation.item.create',
      timestamp: now + 1,
      item: {
        type: 'message',
        content: [
          {
            requestId: `img_${crypto.randomUUID().replace(/-/g, '')}`,
            text: request.prompt,
            type: 'input_text',
            properties: {
              section_count: 0,
              is_kids_mode: false,
              enable_nsfw: request.nsfw,
              skip_upsampler: false,
              enable_side_by_side: true,
              is_initial: false,
              aspect_ratio: request.aspectRatio,
              enable_pro: false,
              num_generations: request.count,
            },
          },
        ],
      },
    }),
  );

  const next = async (deadline: number): Promise<unknown | undefined> => {
    while (frames.length === 0 && !closed) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new UpstreamError({
          code: 'stream_idle_timeout',
          message: 'imagine: no frame in time',
          retryable: false,
          accountEffect: 'none',
        });
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, left);
      });
    }
    return frames.shift();
  };

  // Pre-flight, as for chat streams: an error as the first answer (e.g. the usage limit) fails
  // the opening, so the caller can still move to another account.
  const first = await next(Date.now() + Math.max(1, config.image.stream_timeout || config.image.timeout) * 1000).catch(
    (error: unknown) => {
      close();
      throw error;
    },
  );
  const firstError = pick(ErrorFrame, first);
  if (firstError) {
    close();
    throw frameError(firstError.err_code, firstError.err_msg);
  }
  if (first !== undefined) frames.unshift(first);

  return {
    close,
    async collect(onPreview) {
      const slots = new Map<string, { index: number; final?: ImagineImage; completed: boolean; moderated: boolean }>();
      const slot = (id: string, index: number | undefined) => {
        let found = slots.get(id);
        if (!found) slots.set(id, (found = { index: index ?? slots.size, completed: false, moderated: false }));
        return found;
      };
      const idleMs = Math.max(1, config.image.stream_timeout || config.image.timeout) * 1000;
      const overall = Date.now() + Math.max(1, config.image.timeout) * 1000;
      // A slot ends on its final image, not on `completed` (§12.1 lets `completed` come first): it
      // is done once it has both, or once `completed` says it was moderated.
      const finished = () => [...slots.values()].filter((entry) => entry.final && entry.completed && !entry.moderated);
      const settled = () => [...slots.values()].filter((entry) => entry.moderated || (entry.final && entry.completed));
      // When the wait ends early, a final without its `completed` is kept: nothing said it was moderated.
      const usable = () => [...slots.values()].filter((entry) => entry.final && !entry.moderated);
      try {
        while (finished().length < request.count && settled().length < request.count) {
          if (request.signal?.aborted) throw request.signal.reason;
          let frame: unknown;
          try {
            frame = await next(Math.min(overall, Date.now() + idleMs));
          } catch (error) {
            // Out of time with images in hand: keep them; the caller makes the missing ones.
            if (error instanceof UpstreamError && error.code === 'stream_idle_timeout' && usable().length > 0) break;
            throw error;
          }
          if (frame === undefined) {
            // Closed before the batch finished. Nothing usable and nothing moderated means the
            // socket broke, not the prompt: the caller moves to chat-based generation.
            if (usable().length === 0 && ![...slots.values()].some((entry) => entry.moderated)) {
              throw new UpstreamError({
                code: 'stream_truncated',
                message: `imagine: socket closed (${closeCode ?? 'no code'}) before any image`,
                retryable: true,
                accountEffect: 'none',
              });
            }
            break;
          }
          const error = pick(ErrorFrame, frame);
          if (error) throw frameError(error.err_code, error.err_msg);
          const json = pick(JsonFrame, frame);
          if (json) {
            const id = json.image_id ?? json.job_id ?? json.id;
            if (!id) continue;
            const entry = slot(id, json.order);
            if (json.current_status === 'completed') {
              entry.completed = true;
              entry.moderated = json.moderated === true;
            }
            continue;
          }
          const image = pick(ImageFrame, frame);
          if (!image || (!image.blob && !image.url)) continue;
          const id = image.image_id ?? image.job_id ?? image.id ?? /\/images\/([\w-]+)\./.exec(image.url ?? '')?.[1];
          if (!id) continue;
          const entry = slot(id, image.order ?? image.side_by_side_index ?? image.grid_index);
          const progress = image.percentage_complete ?? 100;
          const bytes = image.blob ? decodeBlob(image.blob) : new Uint8Array();
          if (progress < 100) onPreview?.({ index: entry.index, bytes, progress });
          else entry.final = { index: entry.index, url: image.url, bytes };
        }
      } finally {
        close();
      }
      const images = usable()
        .map((entry) => entry.final!)
        .sort((left, right) => left.index - right.index)
        .slice(0, request.count);
      return { images, moderated: [...slots.values()].filter((entry) => entry.moderated).length };
    },
  };
}
