import type { Config } from '../../config/schema';
import type { FetchFunction } from '../http';
import { orderedFetch } from './ordered-http';
import { wreqFetch } from './wreq-client';

/**
 * The REST client behind `upstream.http_client`. `impit` (npm; a Rust client whose native part
 * ships inside the package for each platform) presents the TLS and HTTP/2 fingerprint of a real
 * browser, as the reference's curl_cffi does, so Cloudflare sees the browser that `proxy.browser`
 * and `proxy.user_agent` claim. It is loaded only when selected, so a platform without its native
 * package still runs with Bun's fetch. impit writes our headers first, in our order, then adds
 * its profile's navigation headers for any we did not set; a page's fetch() sends none of those,
 * and the current release sends client hints only where it sets them itself, so every one we
 * did not set is suppressed (an empty value removes it).
 *
 * Bun's own fetch writes headers in alphabetical order whatever it is given (an array of pairs
 * included), then adds Connection, Host and Accept-Encoding last; so the `bun` client sends
 * direct calls through node:http (ordered-http.ts), which keeps them.
 */

type ImpitModule = typeof import('impit');
type ImpitClient = InstanceType<ImpitModule['Impit']>;
type ImpitBrowser = NonNullable<ConstructorParameters<ImpitModule['Impit']>[0]>['browser'];

const IMPERSONATED = [
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'upgrade-insecure-requests',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-user',
  'sec-fetch-dest',
  'priority',
];

const PROFILES = [
  'chrome100',
  'chrome101',
  'chrome104',
  'chrome107',
  'chrome110',
  'chrome116',
  'chrome124',
  'chrome125',
  'chrome131',
  'chrome136',
  'chrome142',
  'chrome151',
  'firefox128',
  'firefox133',
  'firefox135',
  'firefox144',
] as const;

/** The impit profile for `proxy.browser`: the same name, else the newest one of that family not above the asked version. */
export function impitProfile(browser: string): string {
  const wanted = browser.trim().toLowerCase();
  if ((PROFILES as readonly string[]).includes(wanted)) return wanted;
  const match = /^(chrome|firefox)(\d+)?/.exec(wanted);
  const family = match?.[1] ?? 'chrome';
  const version = match?.[2] ? Number(match[2]) : Number.POSITIVE_INFINITY;
  const candidates = PROFILES.filter((profile) => profile.startsWith(family)).filter(
    (profile) => Number(profile.slice(family.length)) <= version,
  );
  return candidates.at(-1) ?? PROFILES.find((profile) => profile.startsWith(family))!;
}

/**
 * `plain` replaces Bun's client (tests); by default a direct call keeps our header order through
 * node:http (ordered-http.ts) and a proxied one uses Bun's fetch, whose proxy support we rely on.
 */
export function createUpstreamFetch(config: () => Config, plain?: FetchFunction): FetchFunction {
  let module: Promise<ImpitModule> | undefined;
  const clients = new Map<string, ImpitClient>();
  const upstreamFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const settings = config();
    if (settings.upstream.http_client === 'wreq') return wreqFetch(settings, input, init);
    if (settings.upstream.http_client !== 'impit') {
      if (plain) return plain(input, init);
      return proxyOf(init) ? fetch(input, init) : orderedFetch(input, init);
    }
    module ??= import('impit');
    const { Impit } = await module;
    const proxyUrl = proxyOf(init);
    const browser = impitProfile(settings.proxy.browser);
    const key = `${browser}|${proxyUrl ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = new Impit({ browser: browser as ImpitBrowser, proxyUrl, followRedirects: false });
      clients.set(key, client);
    }
    const headers = orderedPairs(init?.headers);
    const present = new Set(headers.map(([name]) => name.toLowerCase()));
    for (const name of IMPERSONATED) if (!present.has(name)) headers.push([name, '']);
    const response = await client.fetch(String(input instanceof Request ? input.url : input), {
      method: (init?.method ?? 'GET').toUpperCase() as 'GET',
      headers,
      body: (init?.body ?? undefined) as string | undefined,
      signal: init?.signal ?? undefined,
    });
    const body = (response as unknown as { body: ReadableStream<Uint8Array> | null }).body;
    return new Response(response.status === 204 || response.status === 304 ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return upstreamFetch as FetchFunction;
}

/** The caller's headers as pairs, in the caller's order (a `Headers` object is already sorted). */
function orderedPairs(headers: HeadersInit | undefined): [string, string][] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  if (headers instanceof Headers) return [...headers.entries()];
  return Object.entries(headers as Record<string, string>);
}

function proxyOf(init: RequestInit | undefined): string | undefined {
  const proxy = (init as BunFetchRequestInit | undefined)?.proxy;
  if (!proxy) return undefined;
  return typeof proxy === 'string' ? proxy : String((proxy as { url: string | URL }).url);
}
