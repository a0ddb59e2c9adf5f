import type { UsageRecorder } from '../../usage/usage-recorder';
import type { MediaCache } from '../media-cache';
import type { ImageDependencies } from './image-runner';

/** What image requests need, through /v1/images or through chat. */
export interface ImagesDependencies extends ImageDependencies {
  cache: MediaCache;
  /** Fetch for client-supplied image URLs (after the address policy). */
  fetch?: typeof fetch;
  /** Image requests leave usage records beside chat's. */
  usage?: UsageRecorder;
}
