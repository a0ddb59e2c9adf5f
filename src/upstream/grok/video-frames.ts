import { Type } from '@sinclair/typebox';
import { pick } from './frames';

/** `streamingVideoGenerationResponse` (docs/upstream-protocol.md §13.4), read without casts. */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));
const Text = Nullable(Type.String());

const VideoFrame = Type.Object({
  result: Type.Object({
    response: Type.Object({
      streamingVideoGenerationResponse: Type.Object({
        videoId: Text,
        progress: Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Null()])),
        videoPostId: Text,
        postId: Text,
        resolutionName: Text,
        assetId: Text,
        videoUrl: Text,
        thumbnailImageUrl: Text,
        moderated: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
      }),
    }),
  }),
});

export interface VideoProgress {
  videoId?: string;
  postId?: string;
  progress: number;
  resolution?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  moderated: boolean;
}

export function readVideoFrame(frame: unknown): VideoProgress | undefined {
  const matched = pick(VideoFrame, frame);
  if (!matched) return undefined;
  const video = matched.result.response.streamingVideoGenerationResponse;
  const progress = typeof video.progress === 'string' ? Number.parseFloat(video.progress) : (video.progress ?? 0);
  return {
    videoId: video.videoId ?? undefined,
    postId: video.videoPostId ?? video.postId ?? undefined,
    progress: Number.isFinite(progress) ? progress : 0,
    resolution: video.resolutionName ?? undefined,
    videoUrl: video.videoUrl ?? undefined,
    thumbnailUrl: video.thumbnailImageUrl ?? undefined,
    moderated: video.moderated === true,
  };
}
