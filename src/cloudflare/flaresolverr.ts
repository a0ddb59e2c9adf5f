import { Type } from '@sinclair/typebox';
import type { Config } from '../config/schema';
import { UpstreamError } from '../upstream/errors';
import { parseJson } from '../upstream/grok/json';
import { pick } from '../upstream/grok/frames';
import { fetchBoundedText, type FetchFunction } from '../upstream/http';

/**
 * One FlareSolverr solve (docs/upstream-protocol.md §16.3): a real browser opens the
 * upstream through the same egress the gateway uses and hands back the Cloudflare cookies and its
 * User-Agent, which must then be used together.
 */

const ANSWER_LIMIT = 2 * 1024 * 1024;
/** §16.3: the client waits the solve budget plus this margin. */
const CLIENT_MARGIN_SECONDS = 15;
const KEPT_COOKIES = new Set(['cf_clearance', '__cf_bm', '_cfuvid']);
const CONTROL = /[\u0000-\u001F\u007F]/;

export interface Clearance {
  /** `cf_clearance`, empty when the egress was not challenged. */
  clearance: string;
  /** The other Cloudflare cookies as `name=value; …`. */
  cookies: string;
  userAgent: string;
  /** `chrome<major>` of the User-Agent. */
  browser: string;
}

const Answer = Type.Object({
  status: Type.String(),
  message: Type.Optional(Type.String()),
  solution: Type.Optional(
    Type.Object({
      userAgent: Type.Optional(Type.String()),
      cookies: Type.Optional(Type.Array(Type.Object({ name: Type.String(), value: Type.String() }))),
    }),
  ),
});

/** `…/v1` however the operator wrote the URL. */
export function solverEndpoint(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

export async function solveChallenge(
  config: Config,
  options: { fetch?: FetchFunction; signal?: AbortSignal } = {},
): Promise<Clearance> {
  const proxy = config.proxy;
  const body: Record<string, unknown> = {
    cmd: 'request.get',
    url: new URL(config.upstream.base_url).origin,
    maxTimeout: proxy.timeout * 1000,
  };
  // The clearance is bound to the egress IP, so the browser must leave through the same proxy.
  if (proxy.base_proxy_url) body.proxy = { url: proxy.base_proxy_url };
  const answer = await fetchBoundedText(
    {
      url: solverEndpoint(proxy.flaresolverr_url),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutSeconds: proxy.timeout + CLIENT_MARGIN_SECONDS,
      signal: options.signal,
      purpose: 'flaresolverr',
      fetch: options.fetch,
    },
    ANSWER_LIMIT,
  );
  if (answer.status < 200 || answer.status >= 300) throw failure(`FlareSolverr answered HTTP ${answer.status}`);
  return parseSolution(parseJson(answer.text));
}

export function parseSolution(value: unknown): Clearance {
  const answer = pick(Answer, value);
  if (!answer) throw failure('FlareSolverr answer is not a solve result');
  if (answer.status !== 'ok') throw failure(`FlareSolverr failed: ${(answer.message ?? answer.status).slice(0, 200)}`);
  const userAgent = answer.solution?.userAgent?.trim() ?? '';
  if (!userAgent || userAgent.length > 512 || CONTROL.test(userAgent))
    throw failure('FlareSolverr gave no usable User-Agent');
  const kept = new Map<string, string>();
  for (const cookie of answer.solution?.cookies ?? []) {
    const name = cookie.name.trim().toLowerCase();
    if (!(KEPT_COOKIES.has(name) || name.startsWith('cf_chl_')) || kept.has(name)) continue;
    if (!cookie.value || CONTROL.test(cookie.value) || cookie.value.includes(';')) continue;
    kept.set(name, cookie.value);
  }
  const clearance = kept.get('cf_clearance') ?? '';
  kept.delete('cf_clearance');
  const major = /Chrome\/(\d+)/.exec(userAgent)?.[1] ?? '120';
  return {
    clearance,
    cookies: [...kept].map(([name, value]) => `${name}=${value}`).join('; '),
    userAgent,
    browser: `chrome${major}`,
  };
}

function failure(message: string): UpstreamError {
  return new UpstreamError({ code: 'bad_response', message, retryable: true, accountEffect: 'none' });
}
