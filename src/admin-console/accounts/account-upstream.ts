import type { Config } from '../../config/schema';
import type { GrokClient } from '../../upstream/grok/client';
import { enableNsfw, type EnableNsfwOutcome } from '../../upstream/grok/account-settings/enable-nsfw';
import { clearAssets, listAssetIds } from '../../upstream/grok/online-assets/online-assets';

/** What the console asks grok.com about one account, beyond quota: settings and stored files. */
export interface AccountUpstream {
  enableNsfw(token: string): Promise<EnableNsfwOutcome>;
  countAssets(token: string): Promise<number>;
  clearAssets(token: string): Promise<{ found: number; deleted: number; failures: string[] }>;
}

export function accountUpstream(grok: GrokClient, config: () => Config): AccountUpstream {
  const input = (token: string) => ({
    config: config(),
    token,
    statsig: grok.statsig,
    proxyUrl: grok.egressFor(token),
    fetch: grok.upstreamFetch,
  });
  return {
    enableNsfw: (token) => enableNsfw(input(token)),
    countAssets: async (token) =>
      (await listAssetIds({ ...input(token), proxyUrl: grok.egressFor(token, true) })).length,
    // A clear_assets job lists asset.list_concurrent accounts at once; dividing delete_concurrent
    // among them keeps the deletions in flight within asset.delete_concurrent overall.
    clearAssets: (token) => {
      const asset = config().asset;
      return clearAssets(
        { ...input(token), proxyUrl: grok.egressFor(token, true) },
        Math.max(1, Math.floor(asset.delete_concurrent / asset.list_concurrent)),
      );
    },
  };
}
