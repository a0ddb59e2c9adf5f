import type { Config } from '../../config/schema';
import { readErrorBodyText, sendRequest, type FetchFunction } from '../http';
import { UpstreamError } from '../errors';
import { classifyHttpFailure } from './classify';
import { assetDownloadHeaders } from './headers';

/**
 * Opens a download of a generated asset with the owning account's cookies
 * (docs/upstream-protocol.md §4.8, current minimal form; §11.6: assets are not public).
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

/** The hosts the account's cookies may go to for a download: assets_url's, base_url's and `upstream.asset_hosts`. */
export function assetHosts(config: Config): Set<string> {
  const hosts = new Set(config.upstream.asset_hosts.map((host) => host.trim().toLowerCase()).filter(Boolean));
  for (const origin of [config.upstream.assets_url, config.upstream.base_url]) {
    try {
      hosts.add(new URL(origin).host.toLowerCase());
    } catch {
      // An unparsable origin adds nothing; the config check reports it.
    }
  }
  return hosts;
}

/** The host of `url` when the cookies may go there, else undefined (an answer may name any URL). */
export function refusedAssetHost(url: string, config: Config): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.slice(0, 80);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return parsed.protocol;
  const hosts = assetHosts(config);
  return hosts.has(parsed.host.toLowerCase()) || hosts.has(parsed.hostname.toLowerCase()) ? undefined : parsed.host;
}

export function assetHostError(host: string): UpstreamError {
  return new UpstreamError({
    code: 'bad_response',
    message:
      `asset download: ${host} is not a configured assets host (upstream.assets_url, upstream.asset_hosts); ` +
      'not fetched',
    retryable: false,
    accountEffect: 'none',
  });
}

export async function openAssetDownload(request: AssetDownloadRequest): Promise<Response> {
  const { config } = request;
  // The account's cookies go only to the upstream's own asset hosts, never to a URL an answer names.
  const refused = refusedAssetHost(request.url, config);
  if (refused !== undefined) throw assetHostError(refused);
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
    throw classifyHttpFailure(http.response.status, http.response.headers, body, {
      purpose: 'asset download',
      secrets: [request.token],
    });
  }
  return http.response;
}
