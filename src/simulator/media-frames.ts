import type { Frame } from './chat-frames';

// Media answer streams: §12.2 / §12.4 image progress frames and §13.4 video progress frames.

export interface ImageSlot {
  finalPath: string;
  partialPath: string;
  moderated: boolean;
}

const response = (fields: Frame): Frame => ({ result: { response: fields } });

/** Faults that shape a media answer: `textless` sends the media frames without any answer text. */
export interface MediaAnswerShape {
  textless?: boolean;
  /** Video only: progress frames that never reach a URL or a moderation flag. */
  noMedia?: boolean;
}

export function imageTurnFrames(conversationId: string, slots: ImageSlot[], shape: MediaAnswerShape = {}): Frame[] {
  const frames: Frame[] = [{ result: { conversation: { conversationId, title: 'Image', temporary: true } } }];
  slots.forEach((slot, imageIndex) => {
    frames.push(
      response({ streamingImageGenerationResponse: { imageIndex, progress: 50, imageUrl: slot.partialPath } }),
    );
  });
  slots.forEach((slot, imageIndex) => {
    const final: Frame = { imageIndex, progress: 100, imageUrl: slot.finalPath, isFinal: true };
    if (slot.moderated) final.moderated = true;
    frames.push(response({ streamingImageGenerationResponse: final }));
  });
  // Moderated images are still listed here: a gateway must remember the progress frame (§12.4).
  const message = shape.textless ? '' : 'Here are your images.';
  const generatedImageUrls = slots.map((slot) => slot.finalPath);
  frames.push(response({ modelResponse: { message, generatedImageUrls, streamErrors: [] } }));
  frames.push(response({ finalMetadata: {}, isSoftStop: true }));
  return frames;
}

export interface VideoResult {
  videoId: string;
  postId: string;
  videoPath: string;
  thumbnailPath: string;
  resolution: string;
  moderated: boolean;
}

export function videoTurnFrames(conversationId: string, video: VideoResult, shape: MediaAnswerShape = {}): Frame[] {
  const progress = (value: number): Frame =>
    response({
      streamingVideoGenerationResponse: {
        videoId: video.videoId,
        progress: value,
        videoPostId: video.postId,
        resolutionName: video.resolution,
      },
    });
  const final: Frame = {
    videoId: video.videoId,
    progress: 100,
    assetId: video.videoId,
    videoPostId: video.postId,
    resolutionName: video.resolution,
    moderated: video.moderated,
  };
  if (!video.moderated) {
    final.videoUrl = video.videoPath;
    final.thumbnailImageUrl = video.thumbnailPath;
  }
  const frames: Frame[] = [{ result: { conversation: { conversationId } } }, progress(1), progress(45), progress(95)];
  if (!shape.noMedia) frames.push(response({ streamingVideoGenerationResponse: final }));
  const said = video.moderated ? 'The video was moderated.' : 'I generated a video';
  const text = shape.textless || shape.noMedia ? '' : said;
  if (text) frames.push(response({ token: text, isSoftStop: false }));
  // The turn's summary (§13.3 reads a round's post id from `fileAttachments`); a media-only turn's message is empty.
  const attachments = video.moderated || shape.noMedia ? [] : [video.postId];
  const summary = { message: text, generatedImageUrls: [], fileAttachments: attachments, streamErrors: [] };
  frames.push(response({ modelResponse: summary }));
  frames.push(response({ finalMetadata: {}, isSoftStop: true }));
  return frames;
}
