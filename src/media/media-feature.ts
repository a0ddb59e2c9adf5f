import { Elysia } from 'elysia';
import { join } from 'node:path';
import type { AppDependencies } from '../app';
import { imagesRoutes, type ImagesDependencies } from '../openai/images/images-routes';
import { openAssetDownload } from '../upstream/grok/asset-download';
import { filesRoutes } from './files-routes';
import { MediaCache } from './media-cache';
import { VideoJobStore } from './videos/video-job';
import { VideoService } from './videos/video-service';
import { videosRoutes } from '../openai/videos/videos-routes';

/** What the media routes and the chat dispatch of media models share: one cache, one pool. */
export interface MediaServices extends ImagesDependencies {
  jobs: VideoJobStore;
  videos: VideoService;
}

export function createMediaServices(
  deps: AppDependencies,
  guard: (request: Request) => void,
  usage?: MediaServices['usage'],
): MediaServices {
  const config = () => deps.config.get();
  const cache = new MediaCache({
    directory: join(deps.dataDir ?? './data', 'tmp'),
    config,
    // The owner's sticky asset proxy: the same egress as its other calls.
    openDownload: (url, token, signal) => openAssetDownload({ config: config(), token, url, signal, proxyUrl: deps.grok.egressFor(token, true) }),
  });
  const jobs = new VideoJobStore(deps.storage.records);
  const videos = new VideoService({ pool: deps.pool, grok: deps.grok, config, logger: deps.logger, cache, jobs });
  return { pool: deps.pool, grok: deps.grok, config, logger: deps.logger, guard, cache, fetch: deps.fetch, jobs, videos, usage };
}

/** /v1/images/*, /v1/videos/* and /v1/files/*. */
export function mediaFeature(services: MediaServices) {
  return new Elysia({ name: 'media' }).use(filesRoutes(services.cache)).use(imagesRoutes(services)).use(videosRoutes(services));
}
