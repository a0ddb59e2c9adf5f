import type { CatalogModel } from '../catalog/models';
import type { ChatCompletionRequest } from '../openai/chat/request-schema';
import { imageChatCompletion } from './images/image-chat';
import type { MediaServices } from './media-feature';
import { videoChatCompletion } from './videos/video-chat';

/** The chat route's single entry for media models: images and edits, or video. */
export function mediaChatCompletion(body: ChatCompletionRequest, model: CatalogModel, request: Request, media: MediaServices): Promise<Response> {
  return model.kind === 'video' ? videoChatCompletion(body, model, request, media) : imageChatCompletion(body, model, request, media);
}
