import type { CatalogModel } from '../../catalog/models';
import type { MediaChatRequest } from '../media-chat-request';
import { ApiError } from '../../http/errors';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import type { AnswerSource } from '../../conversation/answer-source';
import { ProducedAnswer } from '../../conversation/produced-answer';
import { readReference, readVideoConfig } from './video-options';
import { jobFailure } from './job-failure';
import { publicBaseUrl } from '../files-routes';
import type { MediaServices } from '../media-feature';
import type { VideoJob } from './video-job';

/**
 * The video model through /v1/chat/completions (docs/python-compatibility.md §1.2
 * "Video model via chat"): the last user message is the prompt, its first image the
 * reference; `video_config` sets length, ratio, resolution and preset. Streaming shows the
 * progress as reasoning, then the video rendered per `app.video_format`.
 */

const POLL_MS = 300;

function lastUserMessage(body: MediaChatRequest): { prompt: string; image?: string } {
  const message = [...body.messages].reverse().find((candidate) => candidate.role === 'user');
  const blocks =
    message?.content === undefined || message.content === null
      ? []
      : typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : Array.isArray(message.content)
          ? message.content
          : [message.content];
  const prompt = blocks
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .filter(Boolean)
    .join('\n')
    .trim();
  const imageBlock = blocks.find((block) => block.type === 'image_url');
  const image = imageBlock
    ? typeof imageBlock.image_url === 'string'
      ? imageBlock.image_url
      : imageBlock.image_url?.url
    : undefined;
  return { prompt, image };
}

export function renderVideoAnswer(url: string, format: string): string {
  if (format === 'url') return `${url}\n`;
  if (format === 'markdown') return `[video](${url})`;
  return `<video id="video" controls="" preload="none">\n  <source id="mp4" src="${url}" type="video/mp4">\n</video>`;
}

/**
 * Starts the video job of a chat request and answers it: progress as reasoning pieces while it
 * renders (streaming only), then the video per `app.video_format`; a failed job is the answer's
 * error. Request problems are thrown here, before any response starts.
 */
export async function startVideoChatAnswer(
  body: MediaChatRequest,
  model: CatalogModel,
  request: Request,
  media: MediaServices,
): Promise<AnswerSource> {
  const config = media.config();
  const { prompt, image } = lastUserMessage(body);
  if (!prompt) {
    throw new ApiError({
      status: 400,
      message: 'The last user message must contain the video prompt as text.',
      param: 'messages',
      code: 'empty_prompt',
    });
  }
  const options = readVideoConfig(body.video_config);
  const download = { fetch: media.fetch, config, signal: request.signal };
  const reference = image ? await readReference({ image_reference: image }, undefined, download) : undefined;
  const { job, done } = await media.videos.create({
    model,
    prompt,
    ...options,
    size: options.aspectRatio,
    quality: options.resolution === '720p' ? 'high' : 'standard',
    reference,
    baseUrl: publicBaseUrl(config.app.app_url, request),
    authorization: request.headers.get('authorization'),
    params: { seconds: 'video_config.video_length', reference: 'messages' },
  });
  const showProgress = body.stream ?? config.app.stream;

  // A client that leaves stops this reader only; the job goes on and stays readable through /v1/videos.
  async function* progressThenVideo(): AsyncGenerator<AnswerPiece[]> {
    let shown = -1;
    let finished: VideoJob | null = null;
    const settled = done.then((value) => (finished = value));
    while (showProgress && !finished) {
      await Promise.race([settled, Bun.sleep(POLL_MS)]);
      const current = finished ?? (await media.jobs.get(job.id));
      if (current && current.progress !== shown && current.status !== 'failed') {
        shown = current.progress;
        yield [{ type: 'reasoning', text: `video ${job.id}: progress=${shown}%\n` }];
      }
    }
    const ended = await done;
    if (ended.status === 'failed') throw jobFailure(ended);
    yield [{ type: 'content', text: renderVideoAnswer(ended.url ?? '', config.app.video_format) }];
  }
  return new ProducedAnswer(progressThenVideo());
}
