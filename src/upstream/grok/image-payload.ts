import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';
import { buildChatPayload } from './chat-payload';

/**
 * Bodies of `conversations/new` that ask for images: chat-based generation
 * (docs/upstream-protocol.md §12.2, P1 form, at most 2 images per call) and the
 * current image edit (§12.4, `mediaGenInput.imageToImage`, exactly six keys).
 */

export const IMAGES_PER_CALL = 2;

export function buildImageGenerationPayload(input: {
  prompt: string;
  count: number;
  nsfw: boolean;
  model: CatalogModel;
  config: Config;
}): Record<string, unknown> {
  const payload = buildChatPayload({
    message: input.prompt,
    model: input.model,
    fileAttachments: [],
    config: input.config,
  });
  payload.toolOverrides = { imageGen: true };
  payload.imageGenerationCount = Math.min(IMAGES_PER_CALL, Math.max(1, input.count));
  payload.enableNsfw = input.nsfw;
  return payload;
}

export function buildImageEditPayload(input: {
  prompt: string;
  inputAssets: string[];
  aspectRatio?: string;
}): Record<string, unknown> {
  const imageToImage: Record<string, unknown> = { prompt: input.prompt, inputAssets: [...input.inputAssets] };
  if (input.aspectRatio) imageToImage.aspectRatio = input.aspectRatio;
  return {
    modelName: 'imagine-image-edit',
    message: input.prompt,
    enableImageStreaming: true,
    enableSideBySide: true,
    sendFinalMetadata: true,
    mediaGenInput: { imageToImage },
  };
}
