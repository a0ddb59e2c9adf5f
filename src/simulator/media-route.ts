import { randomUUID } from 'node:crypto';
import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse, notFound, tooManyRequests } from './canned-responses';
import { inbandErrorFrame, usageLimitFrame, type Frame } from './chat-frames';
import { streamFrames } from './chat-route';
import { faultApplies } from './fault-rules';
import { parseJsonObjectBody, type IncomingRequest } from './incoming-request';
import { imageTurnFrames, videoTurnFrames } from './media-frames';
import type { MediaTurn } from './media-request';
import type { SimulatorState } from './simulator-state';

/** A media post (§13.2): the parent of a video and of its extension rounds. */
export interface MediaPost {
  id: string;
  ownerUserId: string;
  videoId?: string;
  resolution?: string;
}

/** Longest single clip per tier (§13.3): Basic 6 s, Super/Heavy 10 s. */
const SEGMENT_LIMIT = { basic: 6, super: 10, heavy: 10 } as const;
/** The current text-to-video form: one segment of 1–15 s (§13.1). */
const CURRENT_SEGMENT_LIMIT = 15;

/** An image or video request over conversations/new. Image and video turns bill the fast window. */
export function handleMediaTurn(
  state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
  turn: MediaTurn,
): Response {
  // An unknown body is refused before anything else: no quota check, no fault, nothing billed.
  if (turn.kind === 'video') {
    const refusal = videoProtocolRefusal(state, turn);
    if (refusal) return invalidArgument(refusal);
  }
  const window = state.accounts.window(account, 'fast');
  if (window.remaining <= 0) {
    if (state.options.exhaustedBehaviour === 'inband')
      return streamFrames(state, incoming, [usageLimitFrame()], undefined);
    return tooManyRequests(window.secondsUntilReset);
  }
  const fault = state.faults.take((candidate) => faultApplies(candidate, 'stream', incoming.token, incoming.path));
  if (fault?.kind === 'inband_error')
    return streamFrames(state, incoming, [inbandErrorFrame(fault.code ?? 8, fault.message)], undefined);
  if (fault?.kind === 'usage_limit') return streamFrames(state, incoming, [usageLimitFrame()], undefined);
  const moderated = fault?.kind === 'moderated';
  // Media-only answers: the turn carries its media frames and no text at all.
  const textless = fault?.kind === 'textless' || (moderated && fault?.withoutText === true);

  let frames: Frame[];
  if (turn.kind === 'video') {
    const assetOrigin = fault?.kind === 'foreign_asset' ? fault.assetOrigin : undefined;
    const noMedia = fault?.kind === 'no_media';
    const built = videoFrames(state, account, turn, { moderated, textless, noMedia, assetOrigin });
    if (typeof built === 'string') return invalidArgument(built);
    frames = built;
  } else {
    if (turn.kind === 'image_edit') {
      const foreign = turn.inputAssets.find((id) => state.files.get(id)?.ownerUserId !== account.userId);
      if (foreign !== undefined) return invalidArgument(`input asset ${foreign} is not an upload of this account`);
    }
    const count = turn.kind === 'image' ? turn.count : 1;
    const moderatedAt = (index: number) =>
      moderated && (fault?.imageIndexes === undefined || fault.imageIndexes.includes(index));
    const slots = Array.from({ length: count }, (_, index) => ({
      ...state.generated.addImage(account.userId),
      moderated: moderatedAt(index),
    }));
    frames = imageTurnFrames(randomUUID(), slots, { textless });
  }
  // A media fault shapes the answer rather than breaking it: the turn is billed and streamed in full.
  const shaping: (string | undefined)[] = ['textless', 'no_media', 'foreign_asset'];
  const shapesAnswer = moderated || shaping.includes(fault?.kind);
  if (!fault || shapesAnswer) state.accounts.consume(account, 'fast');
  return streamFrames(state, incoming, frames, shapesAnswer ? undefined : fault);
}

type VideoTurn = Extract<MediaTurn, { kind: 'video' }>;

/**
 * `videoProtocols` (docs/upstream-protocol.md §13.8): an upstream that knows one form refuses the
 * other's body as it refuses any field it does not know, an invalid argument naming the field and
 * nothing about the other form, before anything is rendered or billed.
 */
function videoProtocolRefusal(state: SimulatorState, turn: VideoTurn): string | undefined {
  const accepted = state.options.videoProtocols;
  if (accepted === 'both' || accepted === turn.protocol) return undefined;
  if (turn.protocol === 'legacy')
    return 'unknown field "videoGenModelConfig" in responseMetadata.modelConfigOverride.modelMap';
  return 'unknown field "textToVideo" in mediaGenInput';
}

interface VideoShape {
  moderated: boolean;
  textless: boolean;
  /** Progress that never reaches a URL or a moderation flag. */
  noMedia: boolean;
  /** The finished video named by an absolute URL on this origin instead of an assets path. */
  assetOrigin?: string;
}

function videoFrames(
  state: SimulatorState,
  account: ResolvedAccount,
  turn: VideoTurn,
  shape: VideoShape,
): Frame[] | string {
  if (turn.parentPostId !== undefined) {
    const parent = state.posts.get(turn.parentPostId);
    if (!parent || parent.ownerUserId !== account.userId)
      return `parentPostId ${turn.parentPostId} is not a post of this account`;
  }
  if (turn.extendPostId !== undefined) {
    const extended = state.posts.get(turn.extendPostId);
    if (!extended?.videoId || extended.ownerUserId !== account.userId)
      return `extendPostId ${turn.extendPostId} is not a video of this account`;
  }
  // Basic accounts cannot render 720p; they silently get 480p, as the upstream does.
  const resolution = account.tier === 'basic' ? '480p' : turn.resolution;
  // The current form renders its one segment of 1–15 s on any tier; legacy rounds are tier-bound.
  const longest = turn.protocol === 'current' ? CURRENT_SEGMENT_LIMIT : SEGMENT_LIMIT[account.tier];
  const seconds = Math.min(Math.max(1, Math.floor(turn.seconds)), longest);
  const video = state.generated.addVideo(account.userId, resolution, seconds);
  const postId = randomUUID();
  state.posts.set(postId, { id: postId, ownerUserId: account.userId, videoId: video.id, resolution });
  state.videos.set(video.id, { id: postId, ownerUserId: account.userId, videoId: video.id, resolution });
  const videoPath = shape.assetOrigin ? `${shape.assetOrigin.replace(/\/+$/, '')}/${video.videoPath}` : video.videoPath;
  const { thumbnailPath } = video;
  const result = { videoId: video.id, postId, videoPath, thumbnailPath, resolution, moderated: shape.moderated };
  return videoTurnFrames(randomUUID(), result, { textless: shape.textless, noMedia: shape.noMedia });
}

/** POST /rest/media/post/create (§13.2). A current-only upstream has no such route (router.ts, §13.8). */
export function handleCreatePost(state: SimulatorState, incoming: IncomingRequest, account: ResolvedAccount): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields) return invalidArgument('body must be a JSON object');
  if (fields.mediaType !== 'MEDIA_POST_TYPE_VIDEO' && fields.mediaType !== 'MEDIA_POST_TYPE_IMAGE')
    return invalidArgument('unknown mediaType');
  const id = randomUUID();
  state.posts.set(id, { id, ownerUserId: account.userId });
  return jsonResponse(200, { post: { id, videos: [] } });
}

/** POST /rest/media/video/upscale (§13.5): the HD rendition of one of the account's videos. */
export function handleUpscale(state: SimulatorState, incoming: IncomingRequest, account: ResolvedAccount): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields || typeof fields.videoId !== 'string') return invalidArgument('videoId is required');
  const video = state.videos.get(fields.videoId);
  if (!video || video.ownerUserId !== account.userId) return notFound('video not found');
  const hd = state.generated.addVideo(account.userId, '720p', 0, `${fields.videoId}-hd`);
  const origin = new URL(incoming.request.url).origin;
  return jsonResponse(200, { hdMediaUrl: `${origin}/${hd.videoPath}` });
}
