import { Type } from '@sinclair/typebox';
import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';
import { buildChatPayload } from './chat-payload';
import { pick } from './frames';
import { imagineReferer } from './headers';
import type { FetchFunction } from '../http';
import { badResponse, callJson } from './rest-call';
import type { StatsigProvider } from './statsig';

/**
 * Video bodies. The legacy form (docs/upstream-protocol.md §13.2, §13.3, §13.5): a media post, then
 * one conversation call per round with `videoGenModelConfig`, extension rounds chained by post id,
 * and the upscale call for an HD rendition. The current form (§13.1): one `mediaGenInput.textToVideo`
 * turn.
 */

export const PRESET_MODES: Readonly<Record<string, string>> = {
  fun: 'extremely-crazy',
  normal: 'normal',
  spicy: 'extremely-spicy-or-crazy',
  custom: 'custom',
};

export interface VideoRoundInput {
  model: CatalogModel;
  config: Config;
  prompt: string;
  preset: string;
  aspectRatio: string;
  resolution: string;
  /** Seconds this round renders. */
  length: number;
  parentPostId: string;
  /** Round 1 of an image-to-video: uploaded ids and their asset URLs. */
  reference?: { fileIds: string[]; urls: string[] };
  /** Extension rounds. */
  extension?: { startTime: number; extendPostId: string; originalPostId: string };
}

export function buildVideoRoundPayload(input: VideoRoundInput): Record<string, unknown> {
  const mode = PRESET_MODES[input.preset] ?? 'custom';
  const payload = buildChatPayload({
    message: `${input.prompt} --mode=${mode}`,
    model: input.model,
    fileAttachments: input.reference?.fileIds ?? [],
    config: input.config,
  });
  const videoConfig: Record<string, unknown> = {
    aspectRatio: input.aspectRatio,
    parentPostId: input.parentPostId,
    resolutionName: input.resolution,
    videoLength: input.length,
  };
  if (input.reference) {
    videoConfig.imageReferences = input.reference.urls;
    videoConfig.isReferenceToVideo = true;
  }
  if (input.extension) {
    Object.assign(videoConfig, {
      isVideoExtension: true,
      videoExtensionStartTime: input.extension.startTime,
      extendPostId: input.extension.extendPostId,
      stitchWithExtendPostId: true,
      originalPrompt: input.prompt,
      originalPostId: input.extension.originalPostId,
      originalRefType: 'ORIGINAL_REF_TYPE_VIDEO_EXTENSION',
      mode: 'custom',
      parentPostId: input.extension.extendPostId,
      isVideoEdit: false,
    });
  }
  payload.toolOverrides = { videoGen: true };
  payload.responseMetadata = {
    requestModelDetails: { modelId: input.model.upstream.modelName },
    modelConfigOverride: { modelMap: { videoGenModelConfig: videoConfig } },
  };
  return payload;
}

/** One current-form turn (docs/upstream-protocol.md §13.1): one segment of 1–15 s, 480p or 720p. */
export const CURRENT_VIDEO_SECONDS = { min: 1, max: 15 } as const;

export interface TextToVideoInput {
  prompt: string;
  preset: string;
  aspectRatio: string;
  resolution: '480p' | '720p';
  /** Whole seconds within CURRENT_VIDEO_SECONDS. */
  duration: number;
}

/**
 * The current text-to-video body (docs/upstream-protocol.md §13.1): exactly eight top-level keys,
 * no media post first; `temporary`, `toolOverrides`, `videoGenModelConfig` and `parentPostId` are
 * deliberately absent.
 */
export function buildTextToVideoPayload(input: TextToVideoInput): Record<string, unknown> {
  const mode = PRESET_MODES[input.preset] ?? 'custom';
  return {
    modelName: 'imagine-video-gen',
    message: `${input.prompt} --mode=${mode}`,
    enableImageStreaming: true,
    enableSideBySide: true,
    sendFinalMetadata: true,
    responseMetadata: { experiments: [], modelConfigOverride: { modelMap: {} } },
    mediaGenInput: {
      textToVideo: {
        prompt: input.prompt,
        aspectRatio: input.aspectRatio || '1:1',
        duration: input.duration,
        resolutionName: input.resolution,
      },
    },
    kind: 'CONVERSATION_KIND_IMAGINE',
  };
}

interface RestContext {
  config: Config;
  token: string;
  statsig: StatsigProvider;
  signal?: AbortSignal;
  /** The account's proxy from the pool; default `proxy.base_proxy_url`. */
  proxyUrl?: string;
  /** The client's REST transport (GrokClient.upstreamFetch). */
  fetch?: FetchFunction;
}

const PostAnswer = Type.Object({ post: Type.Object({ id: Type.String({ minLength: 1 }) }) });
const UpscaleAnswer = Type.Object({ hdMediaUrl: Type.String({ minLength: 1 }) });

export async function createMediaPost(context: RestContext, body: Record<string, unknown>): Promise<string> {
  const answer = await callJson({
    ...context,
    method: 'POST',
    path: '/rest/media/post/create',
    referer: imagineReferer(context.config),
    body,
    timeoutSeconds: context.config.video.timeout,
    maxBytes: 256 * 1024,
    purpose: 'media post',
    proxyUrl: context.proxyUrl ?? context.config.proxy.base_proxy_url,
    accountBound: true,
  });
  const post = pick(PostAnswer, answer);
  if (!post) throw badResponse('media post', 'the answer has no post.id');
  return post.post.id;
}

export async function upscaleVideo(context: RestContext, videoId: string): Promise<string> {
  const answer = await callJson({
    ...context,
    method: 'POST',
    path: '/rest/media/video/upscale',
    referer: imagineReferer(context.config),
    body: { videoId },
    timeoutSeconds: context.config.video.timeout,
    maxBytes: 256 * 1024,
    purpose: 'video upscale',
    proxyUrl: context.proxyUrl ?? context.config.proxy.base_proxy_url,
    accountBound: true,
  });
  const upscaled = pick(UpscaleAnswer, answer);
  if (!upscaled) throw badResponse('video upscale', 'the answer has no hdMediaUrl');
  return upscaled.hdMediaUrl;
}
