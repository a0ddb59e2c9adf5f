import type { Config } from '../../config/schema';

/**
 * The headers a Chrome tab on grok.com sends (legacy set, ../shared/spec/grok-web-protocol.md
 * §4.2, §4.3, §4.5, §4.6). Origin and Referer follow `upstream.base_url`, so pointing the gateway
 * at the simulator changes them too.
 */

const SENTRY_BAGGAGE =
  'sentry-environment=production,sentry-release=d6add6fb0460641fd482d767a335ef72b9b6abb8,sentry-public_key=b311e0f2690c81f25e2c4cf6d4f7ce1c';
const ACCEPT_LANGUAGE = 'zh-CN,zh;q=0.9,en;q=0.8';

/** Chromium client hints derived from the User-Agent; none for Firefox and Safari. */
export function clientHints(userAgent: string): Record<string, string> {
  const chromeVersion = /(?:Chrome|Chromium|CriOS)\/(\d+)/.exec(userAgent);
  if (!chromeVersion || /Firefox\//.test(userAgent)) return {};
  const major = chromeVersion[1];
  const brand = /Edg(?:e|A|iOS)?\//.test(userAgent) ? 'Microsoft Edge' : /Chromium\//.test(userAgent) ? 'Chromium' : 'Google Chrome';
  const hints: Record<string, string> = {
    'Sec-Ch-Ua': `"${brand}";v="${major}", "Chromium";v="${major}", "Not(A:Brand";v="24"`,
    'Sec-Ch-Ua-Mobile': /Mobile|Android|iPhone|iPad/.test(userAgent) ? '?1' : '?0',
  };
  const platform = detectPlatform(userAgent);
  if (platform) hints['Sec-Ch-Ua-Platform'] = `"${platform}"`;
  const arch = /\b(?:arm|aarch64)/i.test(userAgent) ? 'arm' : /x86_64|x64|Win64|WOW64|amd64|Intel/i.test(userAgent) ? 'x86' : undefined;
  if (arch) {
    hints['Sec-Ch-Ua-Arch'] = `"${arch}"`;
    hints['Sec-Ch-Ua-Bitness'] = '"64"';
  }
  hints['Sec-Ch-Ua-Model'] = '""';
  return hints;
}

function detectPlatform(userAgent: string): string | undefined {
  if (/Android/.test(userAgent)) return 'Android';
  if (/iPhone|iPad|iPod|CriOS/.test(userAgent)) return 'iOS';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'macOS';
  if (/Linux|X11|CrOS/.test(userAgent)) return 'Linux';
  return undefined;
}

// Cookie values must not smuggle separators or control characters into the header.
const UNSAFE_COOKIE_VALUE = /[\u0000-\u001F\u007F;]/;

function parseCookiePairs(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of text.split(';')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name && !UNSAFE_COOKIE_VALUE.test(name) && !UNSAFE_COOKIE_VALUE.test(value)) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * `sso`, `sso-rw`, then the Cloudflare cookies. `proxy.raw_cookie` replaces all of it because
 * operators use it to pin a complete browser cookie jar.
 */
export function cookieHeader(token: string, proxy: Config['proxy']): string {
  const raw = proxy.raw_cookie.trim();
  if (raw) return raw;
  const cookies = new Map<string, string>([
    ['sso', token],
    ['sso-rw', proxy.sso_rw.trim() || token],
  ]);
  const clearance = proxy.cf_clearance.trim();
  if (clearance) cookies.set('cf_clearance', clearance);
  for (const [name, value] of parseCookiePairs(proxy.cf_cookies)) {
    // The account's own session and an explicitly configured clearance take precedence.
    if (cookies.has(name)) continue;
    cookies.set(name, value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

export function webOrigin(config: Config): string {
  return new URL(config.upstream.base_url).origin;
}

/** `base_url` joined with an absolute path, keeping any path prefix the operator configured. */
export function upstreamUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

export interface RestHeaderInput {
  config: Config;
  token: string;
  /** Omitted when the call carries no x-statsig-id (session). */
  statsigId?: string;
  /** Defaults to `<origin>/`. */
  referer?: string;
  /** Defaults to application/json; null for calls without a body. */
  contentType?: string | null;
}

/** The legacy (P1–P3) header set for a REST call to grok.com. */
export function restHeaders(input: RestHeaderInput): Record<string, string> {
  const { config } = input;
  const origin = webOrigin(config);
  const referer = input.referer ?? `${origin}/`;
  const userAgent = config.proxy.user_agent;
  const headers: Record<string, string> = {
    Accept: '*/*',
    'Accept-Encoding': 'gzip, deflate, br, zstd',
    'Accept-Language': ACCEPT_LANGUAGE,
    Baggage: SENTRY_BAGGAGE,
    Origin: origin,
    Priority: 'u=1, i',
    Referer: referer,
    'Sec-Fetch-Dest': 'empty',
    'Sec-Fetch-Mode': 'cors',
    'Sec-Fetch-Site': sameHost(origin, referer) ? 'same-origin' : 'same-site',
    'User-Agent': userAgent,
    ...clientHints(userAgent),
    Cookie: cookieHeader(input.token, config.proxy),
    'x-xai-request-id': crypto.randomUUID(),
  };
  const contentType = input.contentType === undefined ? 'application/json' : input.contentType;
  if (contentType) headers['Content-Type'] = contentType;
  if (input.statsigId) headers['x-statsig-id'] = input.statsigId;
  return headers;
}

/** Headers of a top-level page load, used to read the verification meta tag (§4.4). */
export function navigationHeaders(config: Config, token: string): Record<string, string> {
  const userAgent = config.proxy.user_agent;
  return {
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Encoding': 'gzip, deflate, br, zstd',
    'Accept-Language': ACCEPT_LANGUAGE,
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    'Sec-Fetch-Dest': 'document',
    'Sec-Fetch-Mode': 'navigate',
    'Sec-Fetch-Site': 'same-origin',
    'Upgrade-Insecure-Requests': '1',
    'User-Agent': userAgent,
    ...clientHints(userAgent),
    Cookie: cookieHeader(token, config.proxy),
  };
}

function sameHost(first: string, second: string): boolean {
  try {
    return new URL(first).host === new URL(second).host;
  } catch {
    return false;
  }
}
