import type { Config } from '../../config/schema';
import { UpstreamError } from '../errors';
import { fetchBoundedText, type FetchFunction } from '../http';
import { chatRetrySettings, withRetry, type RetryEnvironment } from '../retry';
import { classifyHttpFailure, isCloudflareChallenge } from './classify';
import { restHeaders, upstreamUrl, type HeaderList, type RestCallKind } from './headers';
import { parseJson } from './json';
import type { StatsigProvider } from './statsig';
import type { MultipartBody } from './upload-multipart';

/**
 * One short JSON call to grok.com (rate-limits, upload, session) with layer-1 retry. These calls
 * are safe to repeat, unlike a chat turn.
 */

export interface RestCall {
  config: Config;
  token: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Overrides the default Referer (the asset calls say they come from /files, §11.3). */
  referer?: string;
  /** An empty 2xx body is a valid answer (null) instead of a bad response (§11.4 deletes). */
  allowEmptyAnswer?: boolean;
  path: string;
  body?: unknown;
  /** A multipart body (upload-multipart.ts) instead of JSON. */
  multipart?: MultipartBody;
  /** Which of the current release's header sets the call carries (headers.ts); default `json`. */
  headerKind?: RestCallKind;
  timeoutSeconds: number;
  /** Largest answer we read. */
  maxBytes: number;
  purpose: string;
  /** When given, the call carries x-statsig-id from it and drops it after a 403. */
  statsig?: StatsigProvider;
  proxyUrl: string;
  rateLimitProbe?: boolean;
  /** One attempt only: the caller retries the whole operation itself (the chat turn). */
  singleAttempt?: boolean;
  /**
   * Work for one account (upload, media post, upscale): retried on the same account only for
   * failures that are not the account's, and a 429 goes to the caller's account rotation, as for
   * a chat turn (retry.ts `chatRetrySettings`). Asking a rejected or limited session again only
   * spends the client's deadline.
   */
  accountBound?: boolean;
  fetch?: FetchFunction;
  retryEnvironment?: RetryEnvironment;
  signal?: AbortSignal;
}

/** The parsed JSON answer of a 2xx; anything else becomes a classified `UpstreamError`. */
export async function callJson(call: RestCall): Promise<unknown> {
  const settings = call.accountBound ? chatRetrySettings(call.config.retry) : call.config.retry;
  return withRetry(() => callOnce(call), {
    settings: call.singleAttempt ? { ...settings, max_retry: 1 } : settings,
    environment: call.retryEnvironment,
    signal: call.signal,
    alsoRequire: call.accountBound ? (error) => error.accountEffect === 'none' : undefined,
    beforeRetry: (error) => {
      if (error.code === 'anti_bot' || error.code === 'cloudflare_challenge')
        call.statsig?.invalidate(call.method, call.path);
    },
  });
}

async function callOnce(call: RestCall): Promise<unknown> {
  const statsigId = call.statsig
    ? await call.statsig.value({ method: call.method, path: call.path, token: call.token, signal: call.signal })
    : undefined;
  const answer = await fetchBoundedText(
    {
      url: upstreamUrl(call.config.upstream.base_url, call.path),
      method: call.method,
      headers: requestHeaders(call, statsigId),
      body: call.multipart?.body ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
      timeoutSeconds: call.timeoutSeconds,
      signal: call.signal,
      proxyUrl: call.proxyUrl,
      skipProxyTlsVerify: call.config.proxy.skip_proxy_ssl_verify,
      purpose: call.purpose,
      fetch: call.fetch,
    },
    call.maxBytes,
  );
  if (answer.status < 200 || answer.status >= 300) {
    throw classifyHttpFailure(answer.status, answer.headers, answer.text, {
      purpose: call.purpose,
      rateLimitProbe: call.rateLimitProbe,
      secrets: [call.token],
    });
  }
  if (call.allowEmptyAnswer && answer.text.trim() === '') return null;
  const value = parseJson(answer.text);
  if (value === undefined && isCloudflareChallenge(answer.status, answer.headers, answer.text.toLowerCase())) {
    // A challenge page served with 200 is still a challenge.
    throw new UpstreamError({
      code: 'cloudflare_challenge',
      message: `${call.purpose}: HTTP ${answer.status} Cloudflare challenge`,
      status: answer.status,
      retryable: true,
      accountEffect: 'none',
    });
  }
  if (value === undefined) {
    throw new UpstreamError({
      code: 'bad_response',
      message: `${call.purpose}: HTTP ${answer.status} answer is not JSON`,
      status: answer.status,
      retryable: false,
      accountEffect: 'none',
    });
  }
  return value;
}

function requestHeaders(call: RestCall, statsigId: string | undefined): HeaderList {
  return restHeaders({
    config: call.config,
    token: call.token,
    kind: call.headerKind,
    statsigId,
    referer: call.referer,
    contentType: call.multipart?.contentType ?? (call.body === undefined ? null : 'application/json'),
  });
}

export function badResponse(purpose: string, what: string): UpstreamError {
  return new UpstreamError({
    code: 'bad_response',
    message: `${purpose}: ${what}`,
    retryable: false,
    accountEffect: 'none',
  });
}
