import type { Config } from '../../config/schema';
import { clientHints, clientHintsFor } from './client-hints';
import { cloudflareCookies } from './cloudflare-cookies';
import type { HeaderList } from './header-list';

/**
 * The headers a Chrome tab on grok.com sends, per call kind (docs/upstream-protocol.md §4.2–§4.7).
 * `upstream.request_form` picks the current release's sets (default) or the legacy (P1) ones.
 * Each set is an ordered list in Chrome's order and casing; Origin and Referer follow
 * `upstream.base_url`, so pointing the gateway at the simulator changes them too.
 */

export type { HeaderList } from './header-list';
export { clientHints } from './client-hints';

const LEGACY_SENTRY_BAGGAGE =
  'sentry-environment=production,sentry-release=d6add6fb0460641fd482d767a335ef72b9b6abb8,' +
  'sentry-public_key=b311e0f2690c81f25e2c4cf6d4f7ce1c';
/** One value for every channel (REST, both sockets, downloads), as one browser would send. */
export const ACCEPT_LANGUAGE = 'zh-CN,zh;q=0.9,en;q=0.8';
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

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
  for (const [name, value] of cloudflareCookies(proxy.cf_cookies).kept) {
    // An explicitly configured clearance takes precedence.
    if (cookies.has(name)) continue;
    cookies.set(name, value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

export function webOrigin(config: Config): string {
  return new URL(config.upstream.base_url).origin;
}

/** §4.3: the current release sends media calls (image edit, video, quota_info) from the Imagine page. */
export function imagineReferer(config: Config): string | undefined {
  return config.upstream.request_form === 'legacy' ? undefined : `${webOrigin(config)}/imagine`;
}

/** `base_url` joined with an absolute path, keeping any path prefix the operator configured. */
export function upstreamUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

/**
 * What the current release sends differs by call (§4.3, §4.5, §6, §11.2, §14.8):
 * - `json`: conversations/new, rate-limits, quota, media calls, account settings;
 * - `session`: the identity GET, with client hints, without Origin and request id;
 * - `terms`: set-tos-accepted, with client hints;
 * - `upload`: the multipart v2 upload, without request id.
 */
export type RestCallKind = 'json' | 'session' | 'terms' | 'upload';

export interface RestHeaderInput {
  config: Config;
  token: string;
  kind?: RestCallKind;
  /** Omitted when the call carries no x-statsig-id. */
  statsigId?: string;
  /** Defaults to `<origin>/`. */
  referer?: string;
  /** Defaults to application/json; null for calls without a body or when fetch writes it (multipart). */
  contentType?: string | null;
  /** Another origin than `base_url`'s (the account service). */
  origin?: string;
  /** Replaces the account cookie (the account service gets only sso and sso-rw). */
  cookie?: string;
  /** Headers the page's own code sets (gRPC-web's), placed after Content-Type. */
  extra?: HeaderList;
}

export function restHeaders(input: RestHeaderInput): HeaderList {
  return input.config.upstream.request_form === 'legacy' ? legacyRestHeaders(input) : currentRestHeaders(input);
}

/** The current release's set in the order Chrome writes a fetch() request. */
function currentRestHeaders(input: RestHeaderInput): HeaderList {
  const kind = input.kind ?? 'json';
  const origin = input.origin ?? webOrigin(input.config);
  const referer = input.referer ?? `${origin}/`;
  const userAgent = input.config.proxy.user_agent;
  const hints = kind === 'session' || kind === 'terms' ? clientHintsFor(userAgent) : undefined;
  const contentType = input.contentType === undefined ? 'application/json' : input.contentType;
  const headers: HeaderList = [
    ['Pragma', 'no-cache'],
    ['Cache-Control', 'no-cache'],
  ];
  if (hints?.lowEntropy.platform) headers.push(['sec-ch-ua-platform', hints.lowEntropy.platform]);
  headers.push(['User-Agent', userAgent]);
  if (hints) headers.push(['sec-ch-ua', hints.lowEntropy.brands]);
  if (contentType) headers.push(['Content-Type', contentType]);
  headers.push(...(input.extra ?? []));
  if (input.statsigId) headers.push(['x-statsig-id', input.statsigId]);
  if (kind === 'json' || kind === 'terms') headers.push(['x-xai-request-id', crypto.randomUUID()]);
  if (hints) headers.push(['sec-ch-ua-mobile', hints.lowEntropy.mobile], ...hints.highEntropy);
  headers.push(['Accept', '*/*']);
  if (kind !== 'session') headers.push(['Origin', origin]);
  headers.push(
    ['Sec-Fetch-Site', fetchSite(origin, referer)],
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Dest', 'empty'],
    ['Referer', referer],
    ['Accept-Encoding', ACCEPT_ENCODING],
    ['Accept-Language', ACCEPT_LANGUAGE],
    ['Cookie', input.cookie ?? cookieHeader(input.token, input.config.proxy)],
    ['Priority', 'u=1, i'],
  );
  return headers;
}

/** The legacy (P1–P3) set: Sentry baggage and every client hint on every call. */
function legacyRestHeaders(input: RestHeaderInput): HeaderList {
  const origin = input.origin ?? webOrigin(input.config);
  const referer = input.referer ?? `${origin}/`;
  const userAgent = input.config.proxy.user_agent;
  const headers: HeaderList = [
    ['Accept', '*/*'],
    ['Accept-Encoding', ACCEPT_ENCODING],
    ['Accept-Language', ACCEPT_LANGUAGE],
    ['Baggage', LEGACY_SENTRY_BAGGAGE],
    ['Origin', origin],
    ['Priority', 'u=1, i'],
    ['Referer', referer],
    ['Sec-Fetch-Dest', 'empty'],
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Site', fetchSite(origin, referer)],
    ['User-Agent', userAgent],
    ...clientHints(userAgent),
    ['Cookie', input.cookie ?? cookieHeader(input.token, input.config.proxy)],
  ];
  // §11.2: the multipart upload goes without a request id in every form.
  if (input.kind !== 'upload') headers.push(['x-xai-request-id', crypto.randomUUID()]);
  const contentType = input.contentType === undefined ? 'application/json' : input.contentType;
  if (contentType) headers.push(['Content-Type', contentType]);
  headers.push(...(input.extra ?? []));
  if (input.statsigId) headers.push(['x-statsig-id', input.statsigId]);
  return headers;
}

/** Headers of a top-level page load, used to read the verification meta tag (§4.4). */
export function navigationHeaders(config: Config, token: string): HeaderList {
  const userAgent = config.proxy.user_agent;
  const legacyHints = config.upstream.request_form === 'legacy' ? clientHints(userAgent) : [];
  return [
    ['Pragma', 'no-cache'],
    ['Cache-Control', 'no-cache'],
    ...legacyHints,
    ['Upgrade-Insecure-Requests', '1'],
    ['User-Agent', userAgent],
    ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Sec-Fetch-Site', 'same-origin'],
    ['Sec-Fetch-Mode', 'navigate'],
    ['Sec-Fetch-Dest', 'document'],
    ['Accept-Encoding', ACCEPT_ENCODING],
    ['Accept-Language', ACCEPT_LANGUAGE],
    ['Cookie', cookieHeader(token, config.proxy)],
    // Chrome marks a top-level navigation as the most urgent request.
    ['Priority', 'u=0, i'],
  ];
}

/**
 * §4.7: the WebSocket handshakes (chat gateway, Imagine). The socket client adds Host,
 * Connection, Upgrade and the Sec-WebSocket-* headers itself.
 */
export function socketHeaders(config: Config, cookie: string): HeaderList {
  const userAgent = config.proxy.user_agent;
  const legacyHints = config.upstream.request_form === 'legacy' ? clientHints(userAgent) : [];
  return [
    ['Pragma', 'no-cache'],
    ['Cache-Control', 'no-cache'],
    ['User-Agent', userAgent],
    ['Origin', webOrigin(config)],
    ['Accept-Language', ACCEPT_LANGUAGE],
    ...legacyHints,
    ['Cookie', cookie],
  ];
}

/** §4.8 (current): downloads of generated assets are minimal, without Origin and Referer. */
export function assetDownloadHeaders(config: Config, token: string): HeaderList {
  return [
    ['User-Agent', config.proxy.user_agent],
    ['x-xai-request-id', crypto.randomUUID()],
    ['Accept', '*/*'],
    ['Accept-Encoding', ACCEPT_ENCODING],
    ['Accept-Language', ACCEPT_LANGUAGE],
    ['Cookie', cookieHeader(token, config.proxy)],
  ];
}

function fetchSite(origin: string, referer: string): string {
  try {
    return new URL(origin).host === new URL(referer).host ? 'same-origin' : 'same-site';
  } catch {
    return 'same-site';
  }
}
