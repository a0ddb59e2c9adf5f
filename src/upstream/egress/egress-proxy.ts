import { UpstreamError } from '../errors';
import { proxyList } from './proxy-pool';
import { parseSocksUrl, SocksBridge } from './socks-bridge';
import { TlsProxyRelay } from './tls-proxy-relay';

/**
 * The proxy URL Bun's fetch and WebSocket can use for a configured `proxy.*_proxy_url`:
 * HTTP(S) proxies as they are, SOCKS4/5 through one loopback bridge per SOCKS URL, started on first
 * use and kept for the life of the process.
 */

const bridges = new Map<string, Promise<SocksBridge>>();
const relays = new Map<string, Promise<TlsProxyRelay>>();

export interface EgressOptions {
  /** `proxy.skip_proxy_ssl_verify`: trust an https:// proxy's certificate without checking it. */
  skipProxyTlsVerify?: boolean;
}

export async function egressProxy(configured: string, options: EgressOptions = {}): Promise<string | undefined> {
  // A pool (comma-separated) that reaches here unpicked uses its first proxy.
  const raw = proxyList(configured)[0] ?? '';
  if (!raw) return undefined;
  const socks = parseSocksUrl(raw);
  if (!socks) {
    if (!/^https?:\/\//i.test(raw)) {
      throw new UpstreamError({
        code: 'configuration',
        message: 'proxy URL must be http://, https://, socks4:// or socks5://',
        retryable: false,
        accountEffect: 'none',
      });
    }
    if (!options.skipProxyTlsVerify || !/^https:\/\//i.test(raw)) return raw;
    let relay = relays.get(raw);
    if (!relay) {
      relay = TlsProxyRelay.start(new URL(raw));
      relays.set(raw, relay);
      relay.catch(() => relays.delete(raw));
    }
    return (await relay).proxyUrl;
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
  const all: Promise<{ close(): void }>[] = [...bridges.values(), ...relays.values()];
  bridges.clear();
  relays.clear();
  for (const entry of all) (await entry.catch(() => undefined))?.close();
}
