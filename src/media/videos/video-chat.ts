import { randomBytes } from 'node:crypto';
import type { CatalogModel } from '../../catalog/models';
import type { ChatCompletionRequest } from '../../openai/chat/request-schema';
import { ApiError } from '../../openai/errors';
import { SSE_DONE, SSE_HEADERS, sseData } from '../../openai/sse';
import { readReference, readVideoConfig } from '../../openai/videos/video-request';
import { jobFailure } from '../../openai/videos/videos-routes';
import { publicBaseUrl } from '../files-routes';
import type { MediaServices } from '../media-feature';
import type { VideoJob } from './video-job';

/**
 * The video model through /v1/chat/completions (../shared/spec/reference-behaviour.md §1.2
 * "Video model via chat"): the last user message is the prompt, its first image the
 * reference; `video_config` sets length, ratio, resolution and preset. Streaming shows the
 * progress as reasoning, then the video rendered per `app.video_format`.
 */

const POLL_MS = 300;

function lastUserMessage(body: ChatCompletionRequest): { prompt: string; image?: string } {
  const message = [...body.messages].reverse().find((candidate) => candidate.role === 'user');
  const blocks = message?.content === undefined || message.content === null ? [] : typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message.content) ? message.content : [message.content];
  const prompt = blocks.map((block) => (typeof block.text === 'string' ? block.text : '')).filter(Boolean).join('\n').trim();
  const imageBlock = blocks.find((block) => block.type === 'image_url');
  const image = imageBlock ? (typeof imageBlock.image_url === 'string' ? imageBlock.image_url : imageBlock.image_url?.url) : undefined;
  return { prompt, image };
}

export function renderVideoAnswer(url: string, format: string): string {
  if (format === 'url') return `${url}\n`;
  if (format === 'markdown') return `[video](${url})`;
  return `<video id="video" controls="" preload="none">\n  <source id="mp4" src="${url}" type="video/mp4">\n</video>`;
}

export async function videoChatCompletion(body: ChatCompletionRequest, model: CatalogModel, request: Request, media: MediaServices): Promise<Response> {
  const config = media.config();
  const { prompt, image } = lastUserMessage(body);
  if (!prompt) throw new ApiError({ status: 400, message: 'The last user message must contain the video prompt as text.', param: 'messages', code: 'empty_prompt' });
  const options = readVideoConfig(body.video_config);
  const reference = image ? await readReference({ image_reference: image }, undefined, { fetch: media.fetch, config, signal: request.signal }) : undefined;
  const { job, done } = await media.videos.create({ model, prompt, ...options, size: options.aspectRatio, quality: options.resolution === '720p' ? 'high' : 'standard', reference, baseUrl: publicBaseUrl(config.app.app_url, request) });
  const identity = { id: `chatcmpl-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: body.model };
  const answer = (finished: VideoJob) => renderVideoAnswer(finished.url ?? '', config.app.video_format);

  if (!(body.stream ?? config.app.stream)) {
    const finished = await done;
    if (finished.status === 'failed') throw jobFailure(finished);
    return Response.json({
      ...identity,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: answer(finished), refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({ ...identity, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          // client gone; the job continues and stays readable through /v1/videos
        }
      };
      send(sseData(chunk({ role: 'assistant', content: '' }, null)));
      let shown = -1;
      let finished: VideoJob | null = null;
      const settled = done.then((value) => (finished = value));
      while (!finished) {
        await Promise.race([settled, Bun.sleep(POLL_MS)]);
        const current = finished ?? (await media.jobs.get(job.id));
        if (current && current.progress !== shown && current.status !== 'failed') {
          shown = current.progress;
          send(sseData(chunk({ reasoning_content: `video ${job.id}: progress=${shown}%\n` }, null)));
        }
      }
      const ended: VideoJob = finished;
      if (ended.status === 'failed') send(sseData(jobFailure(ended).toBody()));
      else {
        send(sseData(chunk({ content: answer(ended) }, null)));
        send(sseData(chunk({}, 'stop')));
      }
      send(SSE_DONE);
      try {
        controller.close();
      } catch {
        // already closed
      }
    },
  });
  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}
