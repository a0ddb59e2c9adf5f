import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';
import type { Logger } from '../../logging/logger';
import type { AccountPool, Lease } from '../../pool/account-pool';
import type { UpstreamError } from '../../upstream/errors';
import { absoluteAssetUrl } from '../../upstream/grok/asset-download';
import type { GrokClient } from '../../upstream/grok/client';
import {
  buildTextToVideoPayload,
  buildVideoRoundPayload,
  createMediaPost,
  CURRENT_VIDEO_SECONDS,
  upscaleVideo,
} from '../../upstream/grok/video-calls';
import { readVideoFrame, type VideoProgress } from '../../upstream/grok/video-frames';
import type { LoadedAttachment } from '../../attachments/attachment-loader';
import type { MediaCache } from '../media-cache';
import { planRounds, renderResolution } from './video-plan';
import {
  chooseVideoProtocol,
  FORM_REFUSED,
  isBodyRefusal,
  NEEDS_LEGACY_FORM,
  needReason,
  VideoProtocolMemory,
  type LegacyNeed,
  type VideoProtocol,
  type VideoProtocolChoice,
} from './video-protocol';

/**
 * Renders one video on one pooled account, in the upstream form `video.protocol` picks
 * (video-protocol.ts): the current form is one `textToVideo` turn; the legacy form is an optional
 * reference upload, a media post, the rounds (first generation, then extensions) and the upscale
 * for 720p on a Basic account per `video.upscale_timing`. Then the download into the media cache.
 * Progress is reported as it arrives; the caller stores it.
 */

export interface VideoSpec {
  model: CatalogModel;
  prompt: string;
  seconds: number;
  aspectRatio: string;
  resolution: '480p' | '720p';
  preset: string;
  reference?: LoadedAttachment;
}

export interface VideoDependencies {
  pool: AccountPool;
  grok: GrokClient;
  config: () => Config;
  logger: Logger;
  cache: MediaCache;
  /** Whether `video.protocol = "auto"` already saw the current form refused (one per process). */
  protocolMemory?: VideoProtocolMemory;
}

export interface VideoOutcome {
  fileName: string;
  /** Upstream URLs, kept for chat answers that link the poster image. */
  thumbnailUrl?: string;
  resolution: string;
  rounds: number;
  upscaled: boolean;
  /** Which upstream form made the video (docs/upstream-protocol.md §13.1 / §13.2). */
  protocol: VideoProtocol;
}

export class VideoGenerationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly upstream?: UpstreamError,
    /** For NEEDS_LEGACY_FORM: what in the request needs the legacy form (the parameter to name). */
    readonly need?: LegacyNeed,
  ) {
    super(message);
    this.name = 'VideoGenerationError';
  }
}

/**
 * The upstream refused a form's body at its first call (the media post or round 1 of the legacy
 * form, the one current turn): it has no such form. A refusal later in a legacy chain is about that
 * round, not the form, and stays an ordinary upstream error.
 */
class VideoFormRefusal extends Error {
  constructor(
    readonly protocol: VideoProtocol,
    readonly upstream: UpstreamError,
  ) {
    super(upstream.message);
    this.name = 'VideoFormRefusal';
  }
}

async function refusedAs<T>(protocol: VideoProtocol, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isBodyRefusal(error)) throw new VideoFormRefusal(protocol, error as UpstreamError);
    throw error;
  }
}

interface RoundResult {
  videoId?: string;
  postId?: string;
  videoUrl: string;
  thumbnailUrl?: string;
  /** The resolution the upstream says it rendered. */
  resolution?: string;
}

/** What a turn showed, for an error that says why no video came of it. */
function describeSeen(frames: VideoProgress[], text: string): string {
  if (frames.length === 0) return `no video frame${text ? `, text "${text.slice(0, 120)}"` : ', no text'}`;
  const furthest = Math.max(...frames.map((frame) => frame.progress));
  const said = text ? `, text "${text.slice(0, 120)}"` : ', no text';
  return `${frames.length} video frame(s), progress up to ${furthest}%, no videoUrl, no moderation flag${said}`;
}

/**
 * One conversation turn of a video. The outcome is read from the video frames alone
 * (docs/upstream-protocol.md §13.4), whatever text the turn carried: a URL is the video,
 * `moderated` is a content-policy refusal, neither is a failure that says what was seen.
 */
async function runRound(
  lease: Lease,
  payload: Record<string, unknown>,
  deps: VideoDependencies,
  round: string,
  onProgress: (progress: number) => void,
  signal?: AbortSignal,
): Promise<RoundResult> {
  const frames: VideoProgress[] = [];
  let text = '';
  const stream = await deps.grok.chat({
    token: lease.token,
    payload,
    signal,
    service: 'video',
    observeFrame: (frame) => {
      const video = readVideoFrame(frame);
      if (!video) return;
      frames.push(video);
      onProgress(video.progress);
    },
  });
  try {
    for await (const event of stream.events) {
      // The text ("I generated a video") decides nothing; it only helps describe a failure.
      if (event.type === 'text' && text.length < 200) text += event.text;
    }
  } finally {
    stream.close();
  }
  const final = frames.find((frame) => frame.videoUrl && !frame.moderated);
  if (!final?.videoUrl) {
    if (frames.some((frame) => frame.moderated))
      throw new VideoGenerationError('content_policy_violation', `Grok moderated the video (${round}).`);
    throw new VideoGenerationError(
      'video_generation_failed',
      `Video ${round}: the upstream ended the turn without a video (${describeSeen(frames, text.trim())}).`,
    );
  }
  const postId = final.postId ?? frames.find((frame) => frame.postId)?.postId;
  const resolution = final.resolution ?? frames.find((frame) => frame.resolution)?.resolution;
  const assetsUrl = deps.config().upstream.assets_url;
  return {
    videoId: final.videoId,
    postId,
    videoUrl: absoluteAssetUrl(final.videoUrl, assetsUrl),
    thumbnailUrl: final.thumbnailUrl ? absoluteAssetUrl(final.thumbnailUrl, assetsUrl) : undefined,
    resolution,
  };
}

type RestContext = Parameters<typeof upscaleVideo>[0];

async function upscaleOrKeep(
  rest: RestContext,
  result: RoundResult,
  deps: VideoDependencies,
): Promise<string | undefined> {
  if (!result.videoId) return undefined;
  try {
    const videoId = result.videoId;
    return await deps.grok.throughEgress(rest.proxyUrl ?? '', () => upscaleVideo(rest, videoId));
  } catch (error) {
    // §13.5: a failed upscale keeps the 480p video rather than failing the job.
    deps.logger.warn('video upscale failed; keeping 480p', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

export async function renderVideo(
  spec: VideoSpec,
  lease: Lease,
  deps: VideoDependencies,
  onProgress: (progress: number) => void,
  signal?: AbortSignal,
): Promise<VideoOutcome> {
  const memory = deps.protocolMemory ?? new VideoProtocolMemory();
  const question = { seconds: spec.seconds, hasReference: spec.reference !== undefined };
  const choice = chooseVideoProtocol(deps.config(), question, memory);
  let currentRefusal: VideoFormRefusal | undefined;
  if (choice.protocol === 'current') {
    try {
      return await renderCurrent(spec, lease, deps, onProgress, signal);
    } catch (error) {
      if (!(error instanceof VideoFormRefusal)) throw error;
      if (!choice.mayFallBack) throw formRefused(choice, spec, error);
      // `auto`: the upstream has no current form (any more, or not yet); remember it for this process.
      memory.rememberCurrentRefused();
      currentRefusal = error;
      deps.logger.warn('video: the upstream refused the current text-to-video body; using the legacy form', {
        status: error.upstream.status,
      });
    }
  } else if (choice.reason) {
    deps.logger.debug('video: legacy form', { reason: choice.reason });
  }
  try {
    return await renderLegacy(spec, lease, deps, onProgress, signal);
  } catch (error) {
    if (!(error instanceof VideoFormRefusal)) throw error;
    if (choice.remembered) {
      // The upstream that refused the current form now refuses the legacy one: it changed, so try current again.
      memory.forgetCurrentRefused();
      deps.logger.warn('video: the upstream refused the legacy form it took before; trying the current form again');
      try {
        return await renderCurrent(spec, lease, deps, onProgress, signal);
      } catch (again) {
        if (!(again instanceof VideoFormRefusal)) throw again;
        memory.rememberCurrentRefused();
        throw formRefused(choice, spec, error, again);
      }
    }
    throw formRefused(choice, spec, error, currentRefusal);
  }
}

/**
 * What a client is told when the upstream refused the form a video was sent in (docs/media.md):
 * a video only the legacy form makes is a 400 saying so (the request can be changed); a plain
 * text-to-video whose form(s) were refused is a 502 naming `video.protocol` (the operator's to fix).
 */
function formRefused(
  choice: VideoProtocolChoice,
  spec: VideoSpec,
  refusal: VideoFormRefusal,
  other?: VideoFormRefusal,
): VideoGenerationError {
  const said = (of: VideoFormRefusal) => of.upstream.message;
  if (choice.need) {
    const what = choice.need === 'reference' ? 'Image-to-video' : `A ${spec.seconds} s video`;
    const instead =
      choice.need === 'reference'
        ? 'Send it without a reference image'
        : `Ask for at most ${CURRENT_VIDEO_SECONDS.max} s`;
    return new VideoGenerationError(
      NEEDS_LEGACY_FORM,
      `${what} needs the legacy upstream video form (${needReason(choice.need, spec.seconds)}), and the upstream ` +
        `refused it (${said(refusal)}): it makes only current-form text-to-video of ${CURRENT_VIDEO_SECONDS.min}-` +
        `${CURRENT_VIDEO_SECONDS.max} s. ${instead}.`,
      refusal.upstream,
      choice.need,
    );
  }
  if (other) {
    const [current, legacy] = refusal.protocol === 'current' ? [refusal, other] : [other, refusal];
    return new VideoGenerationError(
      FORM_REFUSED,
      `The upstream refused both video forms: the current one (${said(current)}) and the legacy one (${said(legacy)}).`,
      refusal.upstream,
    );
  }
  const [form, switchTo] =
    refusal.protocol === 'current' ? ['current', '"auto" or "legacy"'] : ['legacy', '"auto" or "current"'];
  return new VideoGenerationError(
    FORM_REFUSED,
    `The upstream refused the ${form} video form (${said(refusal)}) and video.protocol = "${form}" does not ` +
      `switch; set video.protocol to ${switchTo}.`,
    refusal.upstream,
  );
}

/** docs/upstream-protocol.md §13.1: one `mediaGenInput.textToVideo` turn, no media post. */
async function renderCurrent(
  spec: VideoSpec,
  lease: Lease,
  deps: VideoDependencies,
  onProgress: (progress: number) => void,
  signal?: AbortSignal,
): Promise<VideoOutcome> {
  const config = deps.config();
  const duration = Math.min(CURRENT_VIDEO_SECONDS.max, Math.max(CURRENT_VIDEO_SECONDS.min, Math.round(spec.seconds)));
  const payload = buildTextToVideoPayload({
    prompt: spec.prompt,
    preset: spec.preset,
    aspectRatio: spec.aspectRatio,
    resolution: spec.resolution,
    duration,
  });
  const share = (progress: number) => onProgress(Math.min(99, Math.floor(progress)));
  const result = await refusedAs('current', () => runRound(lease, payload, deps, 'turn 1/1', share, signal));
  const rendered = result.resolution ?? spec.resolution;
  // An account that rendered below what was asked gets the HD rendition where the upstream offers one.
  let upscaledUrl: string | undefined;
  if (spec.resolution === '720p' && rendered !== '720p') {
    const rest = {
      config,
      token: lease.token,
      statsig: deps.grok.statsig,
      signal,
      proxyUrl: deps.grok.egressFor(lease.token),
    };
    upscaledUrl = await upscaleOrKeep(rest, result, deps);
  }
  const fileName = await deps.cache.fetch('video', upscaledUrl ?? result.videoUrl, lease.token, signal);
  return {
    fileName,
    thumbnailUrl: result.thumbnailUrl,
    resolution: upscaledUrl ? '720p' : rendered,
    rounds: 1,
    upscaled: upscaledUrl !== undefined,
    protocol: 'current',
  };
}

/** docs/upstream-protocol.md §13.2–§13.3, §13.5: media post, rounds chained by post id, upscale. */
async function renderLegacy(
  spec: VideoSpec,
  lease: Lease,
  deps: VideoDependencies,
  onProgress: (progress: number) => void,
  signal?: AbortSignal,
): Promise<VideoOutcome> {
  const config = deps.config();
  const superAccount = lease.pool === 'ssoSuper';
  const rounds = planRounds(spec.seconds, superAccount);
  const { render, upscale } = renderResolution(spec.resolution, superAccount);
  const rest = {
    config,
    token: lease.token,
    statsig: deps.grok.statsig,
    signal,
    proxyUrl: deps.grok.egressFor(lease.token),
    fetch: deps.grok.upstreamFetch,
  };

  let reference: { fileIds: string[]; urls: string[] } | undefined;
  if (spec.reference) {
    const uploaded = await deps.grok.uploadFile(lease.token, spec.reference, signal, { imagine: true });
    const uri = uploaded.fileUri ?? `users/${uploaded.fileId}/content`;
    reference = { fileIds: [uploaded.fileId], urls: [absoluteAssetUrl(uri, config.upstream.assets_url)] };
  }
  // The media post and round 1 are where an upstream without the legacy form refuses it (§13.2).
  const firstPostId = await refusedAs('legacy', () =>
    deps.grok.throughEgress(rest.proxyUrl, () =>
      createMediaPost(rest, { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: spec.prompt }),
    ),
  );

  let previous: (RoundResult & { postId: string }) | undefined;
  let upscaledUrl: string | undefined;
  for (const round of rounds) {
    const label = `round ${round.index + 1}/${rounds.length}`;
    const payload = buildVideoRoundPayload({
      model: spec.model,
      config,
      prompt: spec.prompt,
      preset: spec.preset,
      aspectRatio: spec.aspectRatio,
      resolution: render,
      length: round.length,
      parentPostId: firstPostId,
      reference: round.index === 0 ? reference : undefined,
      extension: previous
        ? { startTime: round.startTime, extendPostId: previous.postId, originalPostId: firstPostId }
        : undefined,
    });
    const share = (progress: number) =>
      onProgress(Math.min(99, Math.floor(((round.index + Math.min(100, progress) / 100) / rounds.length) * 100)));
    const runThis = () => runRound(lease, payload, deps, label, share, signal);
    const result = await (round.index === 0 ? refusedAs('legacy', runThis) : runThis());
    if (!result.postId)
      throw new VideoGenerationError('video_generation_failed', `Video ${label}: no post id to continue from.`);
    previous = { ...result, postId: result.postId };
    if (upscale && config.video.upscale_timing === 'single') upscaledUrl = await upscaleOrKeep(rest, previous, deps);
  }
  const last = previous!;
  if (upscale && config.video.upscale_timing === 'complete') upscaledUrl = await upscaleOrKeep(rest, last, deps);
  const fileName = await deps.cache.fetch('video', upscaledUrl ?? last.videoUrl, lease.token, signal);
  return {
    fileName,
    thumbnailUrl: last.thumbnailUrl,
    resolution: upscaledUrl ? '720p' : render,
    rounds: rounds.length,
    upscaled: upscaledUrl !== undefined,
    protocol: 'legacy',
  };
}
