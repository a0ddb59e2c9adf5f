import { Type } from '@sinclair/typebox';
import type { ChatMessage } from '../conversation/message-model';

/** Used by image models reached through chat; range checks belong to the image feature. */
export const ImageConfig = Type.Object({
  n: Type.Optional(Type.Integer()),
  size: Type.Optional(Type.String()),
  response_format: Type.Optional(Type.String()),
  nsfw: Type.Optional(Type.Boolean()),
});

/** Used by the video model reached through chat; range checks belong to the video feature. */
export const VideoConfig = Type.Object({
  aspect_ratio: Type.Optional(Type.String()),
  video_length: Type.Optional(Type.Number()),
  resolution_name: Type.Optional(Type.String()),
  preset: Type.Optional(Type.String()),
});

export type ImageConfig = typeof ImageConfig.static;
export type VideoConfig = typeof VideoConfig.static;

/** What the media models need of a chat request: the conversation and their own config objects. */
export interface MediaChatRequest {
  messages: ChatMessage[];
  stream?: boolean;
  image_config?: ImageConfig;
  video_config?: VideoConfig;
}
