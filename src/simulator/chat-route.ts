import { randomUUID } from 'node:crypto';
import type { ResolvedAccount } from './account-registry';
import { invalidArgument, notFound, tooManyRequests } from './canned-responses';
import { composeAnswer } from './chat-answer';
import { buildTurnFrames, inbandErrorFrame, usageLimitFrame, type Frame, type TurnIds } from './chat-frames';
import { parseChatTurn, type ChatTurn } from './chat-request';
import { faultApplies } from './fault-rules';
import { encodeFrame, encodeTruncatedFrame, streamContentType, streamTrailer } from './frame-encoding';
import { parseJsonBody, type IncomingRequest } from './incoming-request';
import { streamSegments } from './segment-stream';
import type { SimulatorState } from './simulator-state';
import type { Fault } from './types';
import { handleMediaTurn } from './media-route';
import { parseMediaTurn } from './media-request';

const DEFAULT_AFTER_FRAMES = 3;
/** A whole line that is not JSON: what a protocol change looks like to a parser. */
const MALFORMED_FRAME = '{"result":{"response":{"token":oops}}}\n';
const DEFAULT_STREAM_ERROR = 'The model failed to complete this response.';

/**
 * POST /rest/app-chat/conversations/new and, for follow-ups (§7.4),
 * POST /rest/app-chat/conversations/{conversationId}/responses.
 */
export function handleChatTurn(
  state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
  continuedConversationId?: string,
): Response {
  const body = parseJsonBody(incoming);
  if (!body.ok) return invalidArgument('body must be JSON');
  const media = continuedConversationId === undefined ? parseMediaTurn(body.value) : undefined;
  if (typeof media === 'string') return invalidArgument(media);
  if (media) return handleMediaTurn(state, incoming, account, media);
  const parsed = parseChatTurn(body.value);
  if (!parsed.ok) return invalidArgument(parsed.problem);
  const turn = parsed.turn;
  if (continuedConversationId !== undefined && !state.conversations.has(continuedConversationId)) {
    return notFound('conversation not found');
  }

  const window = state.accounts.window(account, turn.mode);
  if (window.remaining <= 0) {
    if (state.options.exhaustedBehaviour === 'inband')
      return streamFrames(state, incoming, [usageLimitFrame()], undefined);
    return tooManyRequests(window.secondsUntilReset);
  }

  // `close` is a WebSocket close code: a REST stream has none.
  const fault = state.faults.take(
    (candidate) => candidate.kind !== 'close' && faultApplies(candidate, 'stream', incoming.token, incoming.path),
  );
  if (fault?.kind === 'inband_error')
    return streamFrames(state, incoming, [inbandErrorFrame(fault.code ?? 8, fault.message)], undefined);
  if (fault?.kind === 'usage_limit') return streamFrames(state, incoming, [usageLimitFrame()], undefined);

  const ids: TurnIds = {
    conversationId: continuedConversationId ?? randomUUID(),
    userResponseId: randomUUID(),
    responseId: randomUUID(),
  };
  const frames = turnFrames(state, incoming, turn, ids, fault, continuedConversationId === undefined);
  state.conversations.add(ids.conversationId);
  // Only a turn that will complete counts against the window; failed generations are free.
  if (!fault || fault.kind === 'moderated') state.accounts.consume(account, turn.mode);
  return streamFrames(state, incoming, frames, fault);
}

function turnFrames(
  state: SimulatorState,
  incoming: IncomingRequest,
  turn: ChatTurn,
  ids: TurnIds,
  fault: Fault | undefined,
  announceConversation: boolean,
): Frame[] {
  const script = state.scripts.take(
    (candidate) => candidate.match?.token === undefined || candidate.match.token === incoming.token,
  );
  const streamErrors = fault?.kind === 'stream_errors' ? [fault.message ?? DEFAULT_STREAM_ERROR] : undefined;
  return buildTurnFrames(turn, composeAnswer(turn, script), ids, { announceConversation, streamErrors });
}

export function streamFrames(
  state: SimulatorState,
  incoming: IncomingRequest,
  frames: Frame[],
  fault: Fault | undefined,
): Response {
  const framing = state.options.framing;
  const afterFrames = Math.max(0, Math.floor(fault?.afterFrames ?? DEFAULT_AFTER_FRAMES));
  let segments: string[];
  let ending: 'close' | 'stall' = 'close';
  if (fault?.kind === 'cut') {
    const cutAt = Math.min(afterFrames, frames.length - 1);
    segments = [
      ...frames.slice(0, cutAt).map((frame) => encodeFrame(frame, framing)),
      encodeTruncatedFrame(frames[cutAt], framing),
    ];
  } else if (fault?.kind === 'malformed') {
    segments = [...frames.slice(0, afterFrames).map((frame) => encodeFrame(frame, framing)), MALFORMED_FRAME];
  } else if (fault?.kind === 'stall') {
    segments = frames.slice(0, afterFrames).map((frame) => encodeFrame(frame, framing));
    ending = 'stall';
  } else {
    segments = frames.map((frame) => encodeFrame(frame, framing));
    const trailer = streamTrailer(framing);
    if (trailer) segments.push(trailer);
  }
  const pacing = { delayMs: state.options.tokenDelayMs, chunkBytes: state.options.chunkBytes };
  const body = streamSegments(segments, pacing, ending, state.streams, incoming.request.signal);
  return new Response(body, {
    status: 200,
    headers: { 'content-type': streamContentType(framing), 'cache-control': 'no-cache' },
  });
}
