import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';
import type { Logger } from '../../logging/logger';
import type { AccountPool, Lease } from '../../pool/account-pool';
import { UpstreamError } from '../../upstream/errors';
import { absoluteAssetUrl } from '../../upstream/grok/asset-download';
import type { GrokClient } from '../../upstream/grok/client';
import { buildVideoRoundPayload, createMediaPost, upscaleVideo } from '../../upstream/grok/video-calls';
import { readVideoFrame, type VideoProgress } from '../../upstream/grok/video-frames';
import type { LoadedAttachment } from '../attachment-loader';
import type { MediaCache } from '../media-cache';
import { planRounds, renderResolution } from './video-plan';

/**
 * Renders one video on one pooled account: optional reference upload, media post, the rounds
 * (first generation, then extensions), upscale for 720p on a Basic account per
 * `video.upscale_timing`, then the download into the media cache. Progress is reported as it
 * arrives; the caller stores it.
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
}

export interface VideoOutcome {
  fileName: string;
  /** Upstream URLs, kept for chat answers that link the poster image. */
  thumbnailUrl?: string;
  resolution: string;
  rounds: number;
  upscaled: boolean;
}

export class VideoGenerationError extends Error {
  constructor(readonly code: string, message: string, readonly upstream?: UpstreamError) {
    super(message);
    this.name = 'VideoGenerationError';
  }
}

interface RoundResult {
  videoId?: string;
  postId: string;
  videoUrl: string;
  thumbnailUrl?: string;
}

async function runRound(lease: Lease, payload: Record<string, unknown>, deps: VideoDependencies, round: string, onProgress: (progress: number) => void, signal?: AbortSignal): Promise<RoundResult> {
  const frames: VideoProgress[] = [];
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
    for await (const _event of stream.events) {
      // Text events ("I generated a video") carry nothing we need; the frames were observed.
    }
  } finally {
    stream.close();
  }
  const final = frames.find((frame) => frame.videoUrl && !frame.moderated);
  if (!final?.videoUrl) {
    if (frames.some((frame) => frame.moderated)) throw new VideoGenerationError('content_policy_violation', `Grok moderated the video (${round}).`);
    throw new VideoGenerationError('video_generation_failed', frames.length > 0 ? `Video ${round}: the upstream sent no video URL.` : `Video ${round}: empty video stream.`);
  }
  const postId = final.postId ?? frames.find((frame) => frame.postId)?.postId;
  if (!postId) throw new VideoGenerationError('video_generation_failed', `Video ${round}: no post id to continue from.`);
  const assetsUrl = deps.config().upstream.assets_url;
  return { videoId: final.videoId, postId, videoUrl: absoluteAssetUrl(final.videoUrl, assetsUrl), thumbnailUrl: final.thumbnailUrl ? absoluteAssetUrl(final.thumbnailUrl, assetsUrl) : undefined };
}

export async function renderVideo(spec: VideoSpec, lease: Lease, deps: VideoDependencies, onProgress: (progress: number) => void, signal?: AbortSignal): Promise<VideoOutcome> {
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
  const firstPostId = await createMediaPost(rest, { mediaType: 'MEDIA_POST_TYPE_VIDEO', prompt: spec.prompt });

  let previous: RoundResult | undefined;
  let upscaledUrl: string | undefined;
  const upscaleRound = async (result: RoundResult) => {
    if (!result.videoId) return undefined;
    try {
      return await upscaleVideo(rest, result.videoId);
    } catch (error) {
      // §13.5: a failed upscale keeps the 480p video rather than failing the job.
      deps.logger.warn('video upscale failed; keeping 480p', { error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };
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
      extension: previous ? { startTime: round.startTime, extendPostId: previous.postId, originalPostId: firstPostId } : undefined,
    });
    const share = (progress: number) => onProgress(Math.min(99, Math.floor(((round.index + Math.min(100, progress) / 100) / rounds.length) * 100)));
    previous = await runRound(lease, payload, deps, label, share, signal);
    if (upscale && config.video.upscale_timing === 'single') upscaledUrl = await upscaleRound(previous);
  }
  const last = previous!;
  if (upscale && config.video.upscale_timing === 'complete') upscaledUrl = await upscaleRound(last);
  const fileName = await deps.cache.fetch('video', upscaledUrl ?? last.videoUrl, lease.token, signal);
  return { fileName, thumbnailUrl: last.thumbnailUrl, resolution: upscaledUrl ? '720p' : render, rounds: rounds.length, upscaled: upscaledUrl !== undefined };
}
