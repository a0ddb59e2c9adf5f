import type { CatalogModel } from '../../catalog/models';
import { ApiError, invalidRequest } from '../../http/errors';
import type { ContentPart } from '../../conversation/message-model';
import type { MediaChatRequest } from '../media-chat-request';
import { readImageOptions } from './image-options';
import { imagesFromJson } from './edit-inputs';
import type { ImagesDependencies } from './images-dependencies';
import type { AnswerPiece } from '../../conversation/answer-assembler';
import type { AnswerSource } from '../../conversation/answer-source';
import { ProducedAnswer } from '../../conversation/produced-answer';
import { publicBaseUrl } from '../files-routes';
import { sniffMediaType } from '../../attachments/media-type';
import { renderAll, type RenderedImage } from './image-output';
import { startImages } from './image-runner';
import { recordMediaUsage } from '../media-usage';

/**
 * Image models through /v1/chat/completions (docs/python-compatibility.md §1.2 "Image
 * models via chat"): the prompt is the last non-empty text of any message; an edit takes the
 * user's image blocks and every markdown image link, so an earlier answer can be edited. Every
 * image is answered as markdown (a link or a data URI), streaming only the final images.
 */

const MARKDOWN_IMAGE = /!\[[^\]]*\]\(([^)\s]+)\)/g;

function blocksOf(content: MediaChatRequest['messages'][number]['content']): ContentPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [content];
}

export function promptAndImages(body: MediaChatRequest): { prompt: string; images: string[] } {
  let prompt = '';
  const images: string[] = [];
  const add = (url: string) => {
    if (url && !images.includes(url)) images.push(url);
  };
  for (const message of body.messages) {
    for (const block of blocksOf(message.content)) {
      if (block.type === 'image_url' && message.role === 'user') {
        add(typeof block.image_url === 'string' ? block.image_url : (block.image_url?.url ?? ''));
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
      throw new ApiError({
        status: error.status,
        message: error.message,
        param: `image_config.${error.param}`,
        code: error.code,
        type: error.type,
      });
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

/**
 * Starts the images of a chat request and answers them as markdown pieces, one per image, once
 * the run has them. Request problems are thrown here, before any response starts.
 */
export async function startImageChatAnswer(
  body: MediaChatRequest,
  model: CatalogModel,
  request: Request,
  deps: ImagesDependencies,
): Promise<AnswerSource> {
  const config = deps.config();
  const { prompt, images } = promptAndImages(body);
  const fast = model.id === 'grok-imagine-1.0-fast';
  // The fast model ignores the client's image_config; the operator's [imagine_fast] decides.
  const fields: Record<string, unknown> = fast ? { ...config.imagine_fast } : { ...(body.image_config ?? {}) };
  const options = withConfigParam(() =>
    readImageOptions({ ...fields, prompt, model: model.id }, config, [model.id], model.id),
  );
  const baseUrl = publicBaseUrl(config.app.app_url, request);
  const ownImages = await Promise.all(images.map((url) => ownCachedImage(url, baseUrl, deps)));
  const download = { fetch: deps.fetch, timeoutMs: config.asset.download_timeout * 1000, signal: request.signal };
  const editImages =
    model.kind === 'image_edit'
      ? await imagesFromJson({ images: ownImages }, download).catch((error: unknown) => {
          if (!(error instanceof ApiError)) throw error;
          const hint = '(images come from image_url blocks and markdown image links)';
          throw invalidRequest(`${error.message} ${hint}`, 'messages', error.code ?? 'invalid_image');
        })
      : undefined;

  const authorization = request.headers.get('authorization');
  const usage = { usage: deps.usage, startedAt: Date.now(), authorization, model: model.id };
  const failed = (token: string | null) => (error: unknown) => {
    recordMediaUsage(usage, { kind: 'image', error, token, cancelled: request.signal.aborted });
    throw error;
  };
  const run = await startImages(
    {
      model,
      prompt: options.prompt,
      n: options.n,
      nsfw: options.nsfw,
      aspectRatio: options.aspectRatio,
      editImages,
      signal: request.signal,
    },
    deps,
  ).catch(failed(null));
  async function* markdownImages(): AsyncGenerator<AnswerPiece[]> {
    const result = await run.collect().catch(failed(run.token));
    const output = { cache: deps.cache, baseUrl, signal: request.signal, token: result.token };
    const rendered = await renderAll(result.images, options.format, output).catch(failed(result.token));
    recordMediaUsage(usage, { kind: 'image', token: result.token, images: rendered.length });
    for (const [index, image] of rendered.entries()) {
      yield [{ type: 'content', text: `${index > 0 ? '\n\n' : ''}${markdown(image)}` }];
    }
  }
  return new ProducedAnswer(markdownImages());
}
