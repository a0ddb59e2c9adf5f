import { Elysia, type AnyElysia } from 'elysia';
import { join } from 'node:path';
import type { AppDependencies } from '../app';
import { imagesRoutes, type ImagesDependencies } from '../openai/images/images-routes';
import { assetHostError, openAssetDownload, refusedAssetHost } from '../upstream/grok/asset-download';
import { filesRoutes } from './files-routes';
import { MediaCache } from './media-cache';
import { VideoJobStore } from './videos/video-job';
import { VideoService } from './videos/video-service';
import { videosRoutes } from '../openai/videos/videos-routes';
import type { UsageRecorder } from '../usage/usage-recorder';

/** What the media routes and the chat dispatch of media models share: one cache, one pool. */
export interface MediaServices extends ImagesDependencies {
  jobs: VideoJobStore;
  videos: VideoService;
}

export function createMediaServices(
  deps: AppDependencies,
  guard: (request: Request) => void,
  usage?: UsageRecorder,
): MediaServices {
  const config = () => deps.config.get();
  const cache = new MediaCache({
    directory: join(deps.dataDir ?? './data', 'tmp'),
    config,
    openDownload: (url, token, signal) => {
      // The account's cookies go only to the upstream's asset hosts; anything else is refused and logged.
      const refused = refusedAssetHost(url, config());
      if (refused !== undefined) {
        deps.logger.warn('asset download refused: not a configured assets host', { host: refused });
        return Promise.reject(assetHostError(refused));
      }
      // The owner's sticky asset proxy: the same egress as its other calls, cooled when it fails.
      const proxyUrl = deps.grok.egressFor(token, true);
      const download = () =>
        openAssetDownload({ config: config(), token, url, signal, proxyUrl, fetch: deps.grok.upstreamFetch });
      return deps.grok.throughEgress(proxyUrl, download);
    },
  });
  const jobs = new VideoJobStore(deps.storage.records);
  const shared = { pool: deps.pool, grok: deps.grok, config, logger: deps.logger, cache, usage };
  const videos = new VideoService({ ...shared, jobs });
  return { ...shared, guard, fetch: deps.fetch, jobs, videos };
}

/**
 * /v1/images/*, /v1/videos/* and /v1/files/*. `protect` puts a plugin behind the client API's access
 * policy (src/http/access-gate.ts); /v1/files stays public: its links are handed to clients.
 */
export function mediaFeature(services: MediaServices, protect: <T extends AnyElysia>(plugin: T) => T) {
  return new Elysia({ name: 'media' })
    .use(filesRoutes(services.cache))
    .use(protect(imagesRoutes(services)))
    .use(protect(videosRoutes(services)));
}
