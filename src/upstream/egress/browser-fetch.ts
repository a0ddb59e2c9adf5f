import type { Config } from '../../config/schema';
import type { FetchFunction } from '../http';

/**
 * The REST client behind `upstream.http_client`. `impit` (npm; a Rust client whose native part
 * ships inside the package for each platform) presents the TLS and HTTP/2 fingerprint of a real
 * browser, as the reference's curl_cffi does, so Cloudflare sees the browser that `proxy.browser`
 * and `proxy.user_agent` claim. It is loaded only when selected, so a platform without its native
 * package still runs with Bun's fetch. Our own headers (User-Agent, client hints, cookies) are
 * sent as they are: impit's impersonated headers yield to them.
 */

type ImpitModule = typeof import('impit');
type ImpitClient = InstanceType<ImpitModule['Impit']>;
type ImpitBrowser = NonNullable<ConstructorParameters<ImpitModule['Impit']>[0]>['browser'];

const NAVIGATION_ONLY = ['sec-fetch-user', 'upgrade-insecure-requests'];

const PROFILES = ['chrome100', 'chrome101', 'chrome104', 'chrome107', 'chrome110', 'chrome116', 'chrome124', 'chrome125', 'chrome131', 'chrome136', 'chrome142', 'chrome151', 'firefox128', 'firefox133', 'firefox135', 'firefox144'] as const;

/** The impit profile for `proxy.browser`: the same name, else the newest one of that family not above the asked version. */
export function impitProfile(browser: string): string {
  const wanted = browser.trim().toLowerCase();
  if ((PROFILES as readonly string[]).includes(wanted)) return wanted;
  const match = /^(chrome|firefox)(\d+)?/.exec(wanted);
  const family = match?.[1] ?? 'chrome';
  const version = match?.[2] ? Number(match[2]) : Number.POSITIVE_INFINITY;
  const candidates = PROFILES.filter((profile) => profile.startsWith(family)).filter((profile) => Number(profile.slice(family.length)) <= version);
  return candidates.at(-1) ?? PROFILES.find((profile) => profile.startsWith(family))!;
}

export function createUpstreamFetch(config: () => Config, plain: FetchFunction = fetch): FetchFunction {
  let module: Promise<ImpitModule> | undefined;
  const clients = new Map<string, ImpitClient>();
  const upstreamFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const settings = config();
    if (settings.upstream.http_client !== 'impit') return plain(input, init);
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
    const headers = new Headers(init?.headers);
    // impit's Chrome profile adds navigation headers; a page's fetch() sends none (an empty value removes them).
    for (const name of NAVIGATION_ONLY) if (!headers.has(name)) headers.set(name, '');
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

function proxyOf(init: RequestInit | undefined): string | undefined {
  const proxy = (init as BunFetchRequestInit | undefined)?.proxy;
  if (!proxy) return undefined;
  return typeof proxy === 'string' ? proxy : String((proxy as { url: string | URL }).url);
}
