import { Type } from '@sinclair/typebox';
import type { Config } from '../../../config/schema';
import type { FetchFunction } from '../../http';
import type { RetryEnvironment } from '../../retry';
import { pick } from '../frames';
import { webOrigin } from '../headers';
import { badResponse, callJson } from '../rest-call';
import type { StatsigProvider } from '../statsig';

/**
 * An account's files stored on grok.com (docs/upstream-protocol.md §11.3–11.4):
 * listing page by page and deleting one by id. Only `assetId` and `nextPageToken` are relied on;
 * the other asset fields are unverified (§18).
 */

export const ASSETS_PATH = '/rest/assets';
export const ASSET_METADATA_PATH = '/rest/assets-metadata/';
const PAGE_SIZE = 50;
/** A listing never runs forever, whatever the page tokens do. */
const MAX_PAGES = 2_000;

export interface OnlineAssetsInput {
  config: Config;
  token: string;
  statsig: StatsigProvider;
  proxyUrl: string;
  fetch?: FetchFunction;
  retryEnvironment?: RetryEnvironment;
  signal?: AbortSignal;
}

const AssetPage = Type.Object({
  assets: Type.Optional(Type.Array(Type.Object({ assetId: Type.String({ minLength: 1 }) }))),
  nextPageToken: Type.Optional(Type.String()),
});

export function assetListPath(pageToken?: string): string {
  const query = new URLSearchParams({
    pageSize: String(PAGE_SIZE),
    orderBy: 'ORDER_BY_LAST_USE_TIME',
    source: 'SOURCE_ANY',
    isLatest: 'true',
  });
  if (pageToken) query.set('pageToken', pageToken);
  return `${ASSETS_PATH}?${query}`;
}

const filesReferer = (config: Config) => `${webOrigin(config)}/files`;

/** Every asset id of the account; stops when the next page token is empty or repeats. */
export async function listAssetIds(input: OnlineAssetsInput): Promise<string[]> {
  const ids: string[] = [];
  const seenTokens = new Set<string>();
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const path = assetListPath(pageToken);
    const answer = pick(
      AssetPage,
      await callJson({
        ...common(input),
        method: 'GET',
        path,
        timeoutSeconds: input.config.asset.list_timeout,
        maxBytes: 4 * 1024 * 1024,
        purpose: 'list-assets',
        referer: filesReferer(input.config),
      }),
    );
    if (!answer) throw badResponse('list-assets', 'the answer has no asset list');
    ids.push(...(answer.assets ?? []).map((asset) => asset.assetId));
    const next = answer.nextPageToken ?? '';
    if (next === '' || seenTokens.has(next)) break;
    seenTokens.add(next);
    pageToken = next;
  }
  return ids;
}

export async function deleteAsset(input: OnlineAssetsInput, assetId: string): Promise<void> {
  await callJson({
    ...common(input),
    method: 'DELETE',
    path: `${ASSET_METADATA_PATH}${encodeURIComponent(assetId)}`,
    timeoutSeconds: input.config.asset.delete_timeout,
    maxBytes: 64 * 1024,
    purpose: 'delete-asset',
    referer: filesReferer(input.config),
    allowEmptyAnswer: true,
  });
}

function common(input: OnlineAssetsInput) {
  return {
    config: input.config,
    token: input.token,
    statsig: input.statsig,
    proxyUrl: input.proxyUrl,
    fetch: input.fetch,
    retryEnvironment: input.retryEnvironment,
    signal: input.signal,
  };
}

/** Deletes every asset with at most `concurrency` deletions at once; returns how many were deleted and the failures. */
export async function clearAssets(
  input: OnlineAssetsInput,
  concurrency: number,
): Promise<{ found: number; deleted: number; failures: string[] }> {
  const ids = await listAssetIds(input);
  let next = 0;
  let deleted = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        await deleteAsset(input, id);
        deleted += 1;
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), ids.length) }, worker));
  return { found: ids.length, deleted, failures };
}
