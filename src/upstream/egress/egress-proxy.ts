import { UpstreamError } from '../errors';
import { proxyList } from './proxy-pool';
import { parseSocksUrl, SocksBridge } from './socks-bridge';

/**
 * The proxy URL Bun's fetch and WebSocket can use for a configured `proxy.*_proxy_url`:
 * HTTP(S) proxies as they are, SOCKS4/5 through one loopback bridge per SOCKS URL, started on first
 * use and kept for the life of the process.
 */

const bridges = new Map<string, Promise<SocksBridge>>();

export async function egressProxy(configured: string): Promise<string | undefined> {
  // A pool (comma-separated) that reaches here unpicked uses its first proxy.
  const raw = proxyList(configured)[0] ?? '';
  if (!raw) return undefined;
  const socks = parseSocksUrl(raw);
  if (!socks) {
    if (!/^https?:\/\//i.test(raw)) {
      throw new UpstreamError({ code: 'configuration', message: 'proxy URL must be http://, https://, socks4:// or socks5://', retryable: false, accountEffect: 'none' });
    }
    return raw;
  }
  let bridge = bridges.get(raw);
  if (!bridge) {
    bridge = SocksBridge.start(socks);
    bridges.set(raw, bridge);
    bridge.catch(() => bridges.delete(raw));
  }
  return (await bridge).proxyUrl;
}

/** Stops every bridge (tests and shutdown). */
export async function closeEgressBridges(): Promise<void> {
  const all = [...bridges.values()];
  bridges.clear();
  for (const bridge of all) (await bridge.catch(() => undefined))?.close();
}
