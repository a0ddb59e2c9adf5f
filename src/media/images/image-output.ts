import { UpstreamError } from '../../upstream/errors';
import { apiErrorFromUpstream } from '../../openai/upstream-failure';
import { fileLink } from '../files-routes';
import type { MediaCache } from '../media-cache';

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

/** Downloads one upstream image into the cache, then answers a link or its bytes. */
export async function renderImage(upstreamUrl: string, format: ImageFormat, context: OutputContext): Promise<RenderedImage> {
  let name: string;
  try {
    name = await context.cache.fetch('image', upstreamUrl, context.token, context.signal);
  } catch (error) {
    if (error instanceof UpstreamError) throw apiErrorFromUpstream(error);
    throw error;
  }
  if (format === 'url') return { url: fileLink(context.baseUrl, 'image', name) };
  const bytes = await context.cache.read('image', name);
  if (!bytes) throw new Error(`cached image ${name} disappeared`);
  return { b64_json: Buffer.from(bytes).toString('base64') };
}

export function renderAll(urls: string[], format: ImageFormat, context: OutputContext): Promise<RenderedImage[]> {
  return Promise.all(urls.map((url) => renderImage(url, format, context)));
}
