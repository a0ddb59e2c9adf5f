import { randomUUID } from 'node:crypto';
import type { Server, ServerWebSocket } from 'bun';
import type { ResolvedAccount } from './account-registry';
import { blockedUser, cloudflareChallenge, tooManyRequests, unauthenticated } from './canned-responses';
import { faultApplies } from './fault-rules';
import { requestFaultResponse } from './fault-responses';
import type { IncomingRequest } from './incoming-request';
import { pngFor } from './media-bytes';
import { authenticate, cloudflareBlocks } from './request-guards';
import type { SimulatorState } from './simulator-state';
import type { Fault } from './types';

/**
 * The Imagine WebSocket `/ws/imagine/listen` (docs/upstream-protocol.md §12.1, §17):
 * after a reset and a request, each of `num_generations` slots gets `json start_stage`, a small
 * PNG preview, a final image (≥ 100 000 base64 characters) and `json completed`, slots
 * interleaved. Faults: `moderated` marks every slot moderated, `usage_limit`/`inband_error`
 * answer an `error` frame, request faults (rate_limited, unauthorized, …) refuse the handshake,
 * `stall` stops sending after `afterFrames` frames (the socket stays open), `close` closes
 * with `closeCode` (default 1011) after `afterFrames` frames, and `completed_first` sends each
 * slot's `completed` before its final image.
 */

export const IMAGINE_PATH = '/ws/imagine/listen';
export const IMAGINE_IMAGE_PREFIX = '/imagine-public/images/';
const DEFAULT_GENERATIONS = 6;
const FINAL_PADDING = 76_000;

export interface ImagineSocketData {
  state: SimulatorState;
  account: ResolvedAccount;
  token: string;
  origin: string;
}

export function upgradeImagine(
  state: SimulatorState,
  incoming: IncomingRequest,
  server: Server<ImagineSocketData>,
): Response | undefined {
  const fault = state.faults.take((candidate) => faultApplies(candidate, 'request', incoming.token, incoming.path));
  if (fault && fault.kind !== 'slow_first_byte') return requestFaultResponse(fault);
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  const auth = authenticate(state, incoming.token);
  if (auth.kind === 'unauthenticated') return unauthenticated();
  if (auth.kind === 'blocked') return blockedUser();
  const window = state.accounts.window(auth.account, 'fast');
  if (window.remaining <= 0) return tooManyRequests(window.secondsUntilReset);
  const data: ImagineSocketData = {
    state,
    account: auth.account,
    token: incoming.token ?? '',
    origin: new URL(incoming.request.url).origin,
  };
  if (server.upgrade(incoming.request, { data })) return undefined;
  return new Response('upgrade failed', { status: 400 });
}

type Socket = ServerWebSocket<ImagineSocketData>;

export const imagineSocketHandlers = {
  message(socket: Socket, raw: string | Buffer) {
    const { state } = socket.data;
    let message: unknown;
    try {
      message = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch {
      socket.send(JSON.stringify({ type: 'error', err_code: 'invalid_argument', err_msg: 'message is not JSON' }));
      return;
    }
    state.requests.push({
      method: 'WS',
      path: IMAGINE_PATH,
      query: {},
      headers: {},
      cookies: { sso: socket.data.token },
      body: message,
      rawBody: String(raw),
      at: state.now(),
    });
    const content = readContent(message);
    if (!content || content.type === 'reset') return;
    if (content.type !== 'input_text' || typeof content.text !== 'string' || content.text.trim() === '') {
      socket.send(
        JSON.stringify({
          type: 'error',
          err_code: 'invalid_argument',
          err_msg: 'expected an input_text item with text',
        }),
      );
      return;
    }
    const fault = state.faults.take((candidate) => faultApplies(candidate, 'stream', socket.data.token, IMAGINE_PATH));
    if (fault?.kind === 'usage_limit' || fault?.kind === 'inband_error') {
      socket.send(
        JSON.stringify({
          type: 'error',
          err_code: 'rate_limit_exceeded',
          err_msg: fault.message ?? "You've reached your usage limit. Please try again later.",
        }),
      );
      return;
    }
    const properties =
      typeof content.properties === 'object' && content.properties !== null
        ? (content.properties as Record<string, unknown>)
        : {};
    const requested =
      typeof properties.num_generations === 'number' ? Math.floor(properties.num_generations) : DEFAULT_GENERATIONS;
    const count = Math.min(10, Math.max(1, requested));
    state.accounts.consume(socket.data.account, 'fast');
    sendBatch(socket, count, fault);
  },
};

function readContent(message: unknown): Record<string, unknown> | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const item = (message as Record<string, unknown>).item;
  if (typeof item !== 'object' || item === null) return undefined;
  const content = (item as Record<string, unknown>).content;
  if (!Array.isArray(content) || typeof content[0] !== 'object' || content[0] === null) return undefined;
  return content[0] as Record<string, unknown>;
}

function sendBatch(socket: Socket, count: number, fault: Fault | undefined): void {
  const { state, origin } = socket.data;
  const slots = Array.from({ length: count }, (_, order) => ({ id: randomUUID(), order }));
  const isModerated = (order: number) =>
    fault?.kind === 'moderated' && (fault.imageIndexes === undefined || fault.imageIndexes.includes(order));
  const frames: unknown[] = [];
  for (const slot of slots)
    frames.push({
      type: 'json',
      current_status: 'start_stage',
      image_id: slot.id,
      order: slot.order,
      width: 832,
      height: 1248,
    });
  for (const slot of slots) {
    const preview = pngFor(`${slot.id}-preview`, 2);
    frames.push({
      type: 'image',
      id: slot.id,
      blob: Buffer.from(preview).toString('base64'),
      percentage_complete: 50,
      order: slot.order,
      width: 832,
      height: 1248,
    });
  }
  for (const slot of slots) {
    const final = pngFor(slot.id, 8, FINAL_PADDING);
    const path = `${IMAGINE_IMAGE_PREFIX}${slot.id}.jpg`;
    state.generated.addPublic(path, final);
    const moderated = isModerated(slot.order);
    const size = { order: slot.order, width: 832, height: 1248 };
    const blob = Buffer.from(final).toString('base64');
    const url = `${origin}${path}`;
    const finalFrame = { type: 'image', id: slot.id, url, blob, percentage_complete: 100, ...size };
    const flags = { moderated, r_rated: false };
    const completed = { type: 'json', current_status: 'completed', image_id: slot.id, ...size, ...flags };
    // §12.1 allows a slot's `completed` before its final image; `completed_first` sends that order.
    const inOrder = fault?.kind === 'completed_first' ? [completed, finalFrame] : [finalFrame, completed];
    const slotFrames = moderated ? [completed] : inOrder;
    frames.push(...slotFrames);
  }
  const cutAt =
    fault?.kind === 'stall' || fault?.kind === 'close' ? Math.max(0, fault.afterFrames ?? 3) : frames.length;
  for (const frame of frames.slice(0, cutAt)) socket.send(JSON.stringify(frame));
  if (fault?.kind === 'close') socket.close(fault.closeCode ?? 1011, 'simulated close');
}
