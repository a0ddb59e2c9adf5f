import { isIP } from 'node:net';
import type { ConfigIssue } from './errors';
import type { PlainObject } from './objects';

/**
 * Checks a JSON schema cannot express: URLs that must parse, keys that must not be blank, proxy
 * ranges that must be addresses. Each finding names its key like a schema error does.
 */

const HTTP = ['http:', 'https:'];
const PROXY = ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'];

function parsesAs(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `section.key` → the protocols its (non-empty) URL may use; `list` = a comma-separated pool. */
const URL_KEYS: Record<string, { protocols: readonly string[]; list?: boolean }> = {
  'app.app_url': { protocols: HTTP },
  'upstream.base_url': { protocols: HTTP },
  'upstream.assets_url': { protocols: HTTP },
  'upstream.accounts_url': { protocols: HTTP },
  'upstream.statsig_signer_url': { protocols: HTTP },
  'proxy.flaresolverr_url': { protocols: HTTP },
  'proxy.base_proxy_url': { protocols: PROXY, list: true },
  'proxy.asset_proxy_url': { protocols: PROXY, list: true },
};

function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.trim().split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const size = Number(bits);
  return /^\d+$/.test(bits) && size <= (family === 4 ? 32 : 128);
}

export function semanticIssues(config: PlainObject, sourceOf: (path: string) => string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const valueAt = (path: string) => {
    const [section, key] = path.split('.') as [string, string];
    return (config[section] as PlainObject | undefined)?.[key];
  };
  for (const [path, rule] of Object.entries(URL_KEYS)) {
    const value = valueAt(path);
    if (typeof value !== 'string' || value.trim() === '') continue;
    const parts = rule.list
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : [value.trim()];
    if (!parts.every((part) => parsesAs(part, rule.protocols))) {
      const schemes = rule.protocols.map((protocol) => protocol.slice(0, -1)).join(', ');
      const expected = `${rule.list ? 'comma-separated URLs' : 'a URL'} (${schemes}) or empty`;
      issues.push({ key: path, value, expected, source: sourceOf(path) });
    }
  }
  // A key of only spaces looks set but can never be sent: refused (empty keeps its meaning).
  for (const path of ['app.app_key', 'app.function_key', 'metrics.token']) {
    const value = valueAt(path);
    if (typeof value === 'string' && value !== '' && value.trim() === '') {
      issues.push({ key: path, value, expected: 'a key that is not only spaces, or empty', source: sourceOf(path) });
    }
  }
  const apiKeys = valueAt('app.api_key');
  if (Array.isArray(apiKeys) && apiKeys.some((key) => typeof key !== 'string' || key.trim() === '')) {
    const source = sourceOf('app.api_key');
    issues.push({ key: 'app.api_key', value: apiKeys, expected: 'keys that are not blank', source });
  }
  const proxies = valueAt('app.trusted_proxies');
  if (Array.isArray(proxies) && !proxies.every((entry) => typeof entry === 'string' && isAddressOrRange(entry))) {
    const expected = 'IP addresses or CIDR ranges (e.g. 10.0.0.0/8)';
    issues.push({ key: 'app.trusted_proxies', value: proxies, expected, source: sourceOf('app.trusted_proxies') });
  }
  return issues;
}
