import { join } from 'node:path';
import type { ConfigStore } from '../config/store';
import type { Logger } from '../logging/logger';
import type { AccountPool } from '../pool/account-pool';
import type { RecordStore } from '../storage/types';
import type { GrokClient } from '../upstream/grok/client';
import type { ImagesDependencies } from './images/images-dependencies';
import { assetHostError, openAssetDownload, refusedAssetHost } from '../upstream/grok/asset-download';
import { MediaCache } from './media-cache';
import { VideoJobStore } from './videos/video-job';
import { VideoService } from './videos/video-service';
import type { UsageRecorder } from '../usage/usage-recorder';

/** What the media routes and the chat dispatch of media models share: one cache, one pool. */
export interface MediaServices extends ImagesDependencies {
  jobs: VideoJobStore;
  videos: VideoService;
}

/** What the media services are built from (the composition root has them). */
export interface MediaFeatureDependencies {
  config: ConfigStore;
  pool: AccountPool;
  grok: GrokClient;
  logger: Logger;
  storage: { records: RecordStore };
  dataDir?: string;
  fetch?: typeof fetch;
}

export function createMediaServices(deps: MediaFeatureDependencies, usage?: UsageRecorder): MediaServices {
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
  return { ...shared, fetch: deps.fetch, jobs, videos };
}
