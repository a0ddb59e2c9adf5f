import type { CatalogModel } from '../catalog/models';
import type { AnswerSource } from '../conversation/answer-source';
import type { MediaChatRequest } from './media-chat-request';
import { startImageChatAnswer } from './images/image-chat';
import type { MediaServices } from './media-feature';
import { startVideoChatAnswer } from './videos/video-chat';

/** The chat route's single entry for media models: images and edits, or video, as one answer. */
export function startMediaChatAnswer(
  body: MediaChatRequest,
  model: CatalogModel,
  request: Request,
  media: MediaServices,
): Promise<AnswerSource> {
  return model.kind === 'video'
    ? startVideoChatAnswer(body, model, request, media)
    : startImageChatAnswer(body, model, request, media);
}
