import type { Config } from '../../config/schema';
import type { WebSocketConstructor } from '../grok/gateway/gateway-socket';
import { UpstreamError } from '../errors';

/**
 * `upstream.http_client = "wreq"`: wreq-js (npm; a Rust client on BoringSSL whose native part
 * ships as a per-platform npm package) for REST calls and both WebSockets. Its Chrome profiles
 * send Chrome's ClientHello, ALPS naming "h2" included, and its WebSocket client writes the
 * handshake in Chrome's order; it keeps our REST headers in our order and casing
 * (tests/egress/client-hello.test.ts, tests/upstream/wire-fidelity.test.ts). Loaded only when
 * selected, and only from node_modules: its loader resolves the native package at run time, so
 * the standalone binary (and the Docker image built from it) cannot use it.
 */

type WreqModule = typeof import('wreq-js');
type WreqProfile = NonNullable<Parameters<WreqModule['fetch']>[1]>['browser'];

let module: Promise<WreqModule> | undefined;
const load = () =>
  (module ??= import('wreq-js').catch((error: unknown) => {
    module = undefined;
    // wreq-js finds its native package by name at run time, which a compiled binary cannot do.
    throw new UpstreamError({
      code: 'configuration',
      message:
        'upstream.http_client = "wreq": its native module could not be loaded ' +
        `(run from source with node_modules; the compiled binary cannot load it): ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
      retryable: false,
      accountEffect: 'none',
    });
  }));

/** The wreq profile for `proxy.browser` (`chrome146` → `chrome_146`), else the newest of that family not above it. */
export function wreqProfile(browser: string, profiles: readonly string[]): string {
  const match = /^([a-z]+)[_-]?(\d+)?/.exec(browser.trim().toLowerCase());
  const family = match?.[1] ?? 'chrome';
  const version = match?.[2] ? Number(match[2]) : Number.POSITIVE_INFINITY;
  const candidates = profiles
    .filter((profile) => new RegExp(`^${family}_\\d+$`).test(profile))
    .map((profile) => ({ profile, version: Number(profile.split('_')[1]) }))
    .sort((first, second) => first.version - second.version);
  const fitting = candidates.filter((candidate) => candidate.version <= version);
  return (fitting.at(-1) ?? candidates[0])?.profile ?? 'chrome';
}

export async function wreqFetch(config: Config, input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const wreq = await load();
  const proxy = (init as BunFetchRequestInit | undefined)?.proxy;
  const response = await wreq.fetch(String(input instanceof Request ? input.url : input), {
    method: init?.method ?? 'GET',
    headers: init?.headers as [string, string][],
    body: (init?.body ?? undefined) as string | undefined,
    signal: init?.signal ?? undefined,
    redirect: 'manual',
    browser: wreqProfile(config.proxy.browser, wreq.getProfiles()) as WreqProfile,
    proxy: typeof proxy === 'string' ? proxy : proxy ? String((proxy as { url: string | URL }).url) : undefined,
    // A page's fetch() sends what the page set plus what the browser always adds; ours say both.
    disableDefaultHeaders: true,
  });
  const body = response.body as ReadableStream<Uint8Array> | null;
  return new Response(response.status === 204 || response.status === 304 ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
  });
}

/** wreq's WebSocket behind the constructor shape the sockets use (Bun's: headers and proxy options). */
export async function wreqWebSocket(config: Config): Promise<WebSocketConstructor> {
  const wreq = await load();
  const browser = wreqProfile(config.proxy.browser, wreq.getProfiles()) as WreqProfile;
  class BrowserWebSocket extends wreq.WebSocket {
    constructor(url: string, options?: Bun.WebSocketOptions) {
      const headers = options?.headers as Record<string, string> | undefined;
      super(url, {
        browser,
        headers: headers ? Object.entries(headers) : undefined,
        proxy: options?.proxy as string | undefined,
      });
    }
  }
  return BrowserWebSocket as unknown as WebSocketConstructor;
}

/** The WebSocket constructor for `http_client`: wreq's, or undefined for Bun's own. */
export async function upstreamWebSocket(config: Config): Promise<WebSocketConstructor | undefined> {
  return config.upstream.http_client === 'wreq' ? wreqWebSocket(config) : undefined;
}
