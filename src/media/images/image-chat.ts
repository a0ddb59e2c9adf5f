import { randomBytes } from 'node:crypto';
import { storageUnavailable } from '../../http/error-handler';
import { StorageUnavailableError } from '../../storage/storage-unavailable';
import type { CatalogModel } from '../../catalog/models';
import { ApiError, invalidRequest } from '../../openai/errors';
import type { ChatCompletionRequest, ContentPart } from '../../openai/chat/request-schema';
import { readImageOptions } from '../../openai/images/image-request';
import { imagesFromJson } from '../../openai/images/edit-images';
import type { ImagesDependencies } from '../../openai/images/images-routes';
import { SSE_DONE, SSE_HEADERS, sseData } from '../../openai/sse';
import { publicBaseUrl } from '../files-routes';
import { sniffMediaType } from '../media-type';
import { renderAll, type RenderedImage } from './image-output';
import { startImages } from './image-runner';

/**
 * Image models through /v1/chat/completions (../shared/spec/reference-behaviour.md §1.2 "Image
 * models via chat"): the prompt is the last non-empty text of any message; an edit takes the
 * user's image blocks and every markdown image link, so an earlier answer can be edited. Every
 * image is answered as markdown (a link or a data URI), streaming only the final images.
 */

const MARKDOWN_IMAGE = /!\[[^\]]*\]\(([^)\s]+)\)/g;
const ZERO_CHAT_USAGE = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

function blocksOf(content: ChatCompletionRequest['messages'][number]['content']): ContentPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [content];
}

export function promptAndImages(body: ChatCompletionRequest): { prompt: string; images: string[] } {
  let prompt = '';
  const images: string[] = [];
  const add = (url: string) => {
    if (url && !images.includes(url)) images.push(url);
  };
  for (const message of body.messages) {
    for (const block of blocksOf(message.content)) {
      if (block.type === 'image_url' && message.role === 'user') {
        add(typeof block.image_url === 'string' ? block.image_url : block.image_url?.url ?? '');
      }
      if (typeof block.text === 'string' && block.text.trim() !== '') {
        prompt = block.text.trim();
        for (const match of block.text.matchAll(MARKDOWN_IMAGE)) add(match[1] ?? '');
      }
    }
  }
  return { prompt: prompt.replace(MARKDOWN_IMAGE, '').trim() || prompt, images };
}

/** image_config problems name the nested field, e.g. `image_config.size`. */
function withConfigParam<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ApiError && error.param && error.param !== 'prompt' && error.param !== 'model') {
      throw new ApiError({ status: error.status, message: error.message, param: `image_config.${error.param}`, code: error.code, type: error.type });
    }
    throw error;
  }
}

function markdown(image: RenderedImage): string {
  if ('url' in image) return `![image](${image.url})`;
  const mimeType = sniffMediaType(Buffer.from(image.b64_json.slice(0, 24), 'base64')) ?? 'image/png';
  return `![image](data:${mimeType};base64,${image.b64_json})`;
}

/**
 * An earlier answer's link to our own /v1/files is read from the cache: fetching it over the
 * network would go through the address policy (and loop back to us) for bytes we already have.
 */
async function ownCachedImage(url: string, baseUrl: string, deps: ImagesDependencies): Promise<string> {
  const prefix = `${baseUrl}/v1/files/image/`;
  if (!url.startsWith(prefix)) return url;
  const bytes = await deps.cache.read('image', url.slice(prefix.length).split('?')[0] ?? '');
  if (!bytes) return url;
  return `data:${sniffMediaType(bytes.subarray(0, 16)) ?? 'image/png'};base64,${Buffer.from(bytes).toString('base64')}`;
}

export async function imageChatCompletion(body: ChatCompletionRequest, model: CatalogModel, request: Request, deps: ImagesDependencies): Promise<Response> {
  const config = deps.config();
  const { prompt, images } = promptAndImages(body);
  const fast = model.id === 'grok-imagine-1.0-fast';
  // The fast model ignores the client's image_config; the operator's [imagine_fast] decides.
  const fields: Record<string, unknown> = fast ? { ...config.imagine_fast } : { ...(body.image_config ?? {}) };
  const options = withConfigParam(() => readImageOptions({ ...fields, prompt, model: model.id }, config, [model.id], model.id));
  const ownImages = await Promise.all(images.map((url) => ownCachedImage(url, publicBaseUrl(config.app.app_url, request), deps)));
  const editImages = model.kind === 'image_edit' ? await imagesFromJson({ images: ownImages }, { fetch: deps.fetch, timeoutMs: config.asset.download_timeout * 1000, signal: request.signal }).catch((error: unknown) => {
    if (error instanceof ApiError) throw invalidRequest(`${error.message} (images come from image_url blocks and markdown image links)`, 'messages', error.code ?? 'invalid_image');
    throw error;
  }) : undefined;

  const run = await startImages({ model, prompt: options.prompt, n: options.n, nsfw: options.nsfw, aspectRatio: options.aspectRatio, editImages, signal: request.signal }, deps);
  const identity = { id: `chatcmpl-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: body.model };
  const output = { cache: deps.cache, baseUrl: publicBaseUrl(config.app.app_url, request), signal: request.signal };
  const finish = async () => {
    const result = await run.collect();
    return renderAll(result.images, options.format, { ...output, token: result.token });
  };

  if (!(body.stream ?? config.app.stream)) {
    const content = (await finish()).map(markdown).join('\n\n');
    return Response.json({
      ...identity,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: ZERO_CHAT_USAGE,
    });
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
    ...identity,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });
  const includeUsage = body.stream_options?.include_usage === true;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (bytes: Uint8Array) => {
        try {
          controller.enqueue(bytes);
        } catch {
          // client gone
        }
      };
      send(sseData(chunk({ role: 'assistant', content: '' }, null)));
      try {
        const rendered = await finish();
        rendered.forEach((image, index) => send(sseData(chunk({ content: `${index > 0 ? '\n\n' : ''}${markdown(image)}` }, null))));
        send(sseData(chunk({}, 'stop')));
        if (includeUsage) send(sseData({ ...identity, object: 'chat.completion.chunk', choices: [], usage: ZERO_CHAT_USAGE }));
      } catch (error) {
        const apiError =
          error instanceof ApiError
            ? error
            : error instanceof StorageUnavailableError
              ? storageUnavailable(error)
              : new ApiError({ status: 500, message: 'Image generation failed.', code: 'image_generation_failed' });
        send(sseData(apiError.toBody()));
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
