/**
 * `proxy.cf_cookies` carries what a browser or FlareSolverr held for grok.com, which often
 * includes the site's own cookies (analytics, a stale sso). Only Cloudflare's cookies belong to
 * the clearance; the current release forwards those names alone (docs/upstream-protocol.md §4.2),
 * so everything else is dropped, and the caller logs what was dropped.
 */

const CLOUDFLARE_COOKIE =
  /^(?:cf_clearance|__cf_bm|_cfuvid|__cflb|__cfruid|__cfseq-.+|__cfwaitingroom|cf_chl_.+|cf_ob_info|cf_use_ob)$/i;

// Cookie values must not smuggle separators or control characters into the header.
const UNSAFE_COOKIE_TEXT = /[\u0000-\u001F\u007F;]/;

export interface CloudflareCookies {
  kept: [name: string, value: string][];
  /** Names that are not Cloudflare's (or malformed pairs), for the log line; never values. */
  dropped: string[];
}

export function isCloudflareCookieName(name: string): boolean {
  return CLOUDFLARE_COOKIE.test(name);
}

export function cloudflareCookies(text: string): CloudflareCookies {
  const kept: [string, string][] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const separator = part.indexOf('=');
    const name = (separator <= 0 ? part : part.slice(0, separator)).trim();
    const value = separator <= 0 ? '' : part.slice(separator + 1).trim();
    const wellFormed =
      separator > 0 && name !== '' && !UNSAFE_COOKIE_TEXT.test(name) && !UNSAFE_COOKIE_TEXT.test(value);
    if (!wellFormed || !isCloudflareCookieName(name)) {
      dropped.push(wellFormed ? name : '(malformed pair)');
      continue;
    }
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    kept.push([name, value]);
  }
  return { kept, dropped };
}
