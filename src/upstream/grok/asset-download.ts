import type { Config } from '../../config/schema';
import { readErrorBodyText, sendRequest, type FetchFunction } from '../http';
import { classifyHttpFailure } from './classify';
import { assetDownloadHeaders } from './headers';

/**
 * Opens a download of a generated asset with the owning account's cookies
 * (../shared/spec/grok-web-protocol.md §4.8, current minimal form; §11.6: assets are not public).
 * Goes through the owner's proxy from the pool (GrokClient.egressFor(token, true)) when the
 * caller passes it, else `proxy.asset_proxy_url` when set, else the base proxy.
 */

export interface AssetDownloadRequest {
  config: Config;
  token: string;
  /** Absolute URL of the asset. */
  url: string;
  signal?: AbortSignal;
  /** The owner's asset proxy (HTTP(S) or SOCKS); '' for a direct connection. */
  proxyUrl?: string;
  fetch?: FetchFunction;
}

export function absoluteAssetUrl(pathOrUrl: string, assetsUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return `${assetsUrl.replace(/\/+$/, '')}/${pathOrUrl.replace(/^\/+/, '')}`;
}

export async function openAssetDownload(request: AssetDownloadRequest): Promise<Response> {
  const { config } = request;
  const http = await sendRequest({
    url: request.url,
    method: 'GET',
    headers: assetDownloadHeaders(config, request.token),
    timeoutSeconds: config.asset.download_timeout,
    signal: request.signal,
    proxyUrl: request.proxyUrl ?? (config.proxy.asset_proxy_url || config.proxy.base_proxy_url),
    skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
    purpose: 'asset download',
    fetch: request.fetch,
  });
  if (!http.response.ok) {
    const body = await readErrorBodyText(http.response, 16 * 1024);
    http.abort();
    throw classifyHttpFailure(http.response.status, http.response.headers, body, { purpose: 'asset download', secrets: [request.token] });
  }
  return http.response;
}
