import { UpstreamError } from '../../upstream/errors';
import { apiErrorFromUpstream } from '../../http/upstream-failure';
import { fileLink } from '../files-routes';
import { randomBytes } from 'node:crypto';
import { cacheNameFor, type MediaCache } from '../media-cache';
import type { GeneratedImage } from './image-runner';

/** How a client wants each image: a gateway link or the bytes as base64 (`base64` is the seed's alias of `b64_json`). */
export type ImageFormat = 'url' | 'b64_json';

export const RESPONSE_FORMATS = ['url', 'b64_json', 'base64'] as const;

export function normaliseFormat(value: string): ImageFormat {
  return value === 'url' ? 'url' : 'b64_json';
}

export interface OutputContext {
  cache: MediaCache;
  /** Owner of the images; only its cookie can download them. */
  token: string;
  /** Base of /v1/files links. */
  baseUrl: string;
  signal?: AbortSignal;
}

export type RenderedImage = { url: string } | { b64_json: string };

/** Puts one image into the cache (its bytes, or a download with the owner's cookie), then answers a link or its bytes. */
export async function renderImage(
  image: GeneratedImage,
  format: ImageFormat,
  context: OutputContext,
): Promise<RenderedImage> {
  let name: string;
  try {
    if (image.bytes)
      name = await context.cache.put(
        'image',
        image.url ? cacheNameFor(image.url) : `imagine-${randomBytes(12).toString('hex')}.png`,
        image.bytes,
      );
    else if (image.url) {
      name = await context.cache.fetch('image', image.url, image.token ?? context.token, context.signal);
    } else throw new Error('an image has neither bytes nor a URL');
  } catch (error) {
    if (error instanceof UpstreamError) throw apiErrorFromUpstream(error);
    throw error;
  }
  if (format === 'url') return { url: fileLink(context.baseUrl, 'image', name) };
  const bytes = await context.cache.read('image', name);
  if (!bytes) throw new Error(`cached image ${name} disappeared`);
  return { b64_json: Buffer.from(bytes).toString('base64') };
}

export function renderAll(
  images: GeneratedImage[],
  format: ImageFormat,
  context: OutputContext,
): Promise<RenderedImage[]> {
  return Promise.all(images.map((image) => renderImage(image, format, context)));
}
