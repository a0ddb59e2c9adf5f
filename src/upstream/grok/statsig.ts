import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../../config/schema';
import { UpstreamError } from '../errors';
import { fetchBoundedText, type FetchFunction } from '../http';
import { classifyHttpFailure } from './classify';
import { parseJson } from './json';
import { navigationHeaders, upstreamUrl } from './headers';
import {
  checkStatsigShape,
  decodedBase64Length,
  extractVerificationMeta,
  legacyStatsigValue,
  STATSIG_BYTES,
} from './statsig-values';

/**
 * The `x-statsig-id` header (docs/upstream-protocol.md §4.4), produced in the mode the
 * operator chose. Signer mode only ever talks to `upstream.statsig_signer_url`: nothing goes to
 * a third-party service unless the operator configured one.
 */

const SIGNATURE_LIFETIME_MS = 60 * 60 * 1000;
const PAGE_TIMEOUT_SECONDS = 15;
const PAGE_LIMIT_BYTES = 4 * 1024 * 1024;
const SIGNER_TIMEOUT_SECONDS = 12;
const SIGNER_LIMIT_BYTES = 4 * 1024;

const SignerAnswer = Type.Object({ 'x-statsig-id': Type.String({ minLength: 1 }) });

export interface StatsigRequest {
  method: string;
  path: string;
  /** The account whose cookie loads the page in signer mode. */
  token: string;
  signal?: AbortSignal;
}

export interface StatsigProviderOptions {
  config: () => Config;
  fetch?: FetchFunction;
  now?: () => number;
  random?: () => number;
}

interface CachedSignature {
  value: string;
  expiresAt: number;
}

export class StatsigProvider {
  private readonly cache = new Map<string, CachedSignature>();
  private readonly refreshes = new Map<string, Promise<string>>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: StatsigProviderOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async value(request: StatsigRequest): Promise<string> {
    const config = this.options.config();
    switch (config.upstream.statsig_mode) {
      case 'legacy':
        return legacyStatsigValue(config.app.dynamic_statsig, this.random);
      case 'manual':
        return checkStatsigShape(config.upstream.statsig_value, 'upstream.statsig_value');
      case 'signer':
        return this.signed(config, request);
      default:
        throw new UpstreamError({
          code: 'configuration',
          message: 'upstream.statsig_mode must be "legacy", "manual" or "signer"',
          retryable: false,
          accountEffect: 'none',
        });
    }
  }

  /** Forget the value for this call after the upstream rejected it (403 / anti-bot). */
  invalidate(method: string, path: string): void {
    const suffix = `|${method.toUpperCase()}|${path}`;
    for (const key of this.cache.keys()) if (key.endsWith(suffix)) this.cache.delete(key);
  }

  private async signed(config: Config, request: StatsigRequest): Promise<string> {
    const signerUrl = config.upstream.statsig_signer_url.trim();
    if (!signerUrl) {
      throw new UpstreamError({
        code: 'configuration',
        message: 'upstream.statsig_mode is "signer" but upstream.statsig_signer_url is empty',
        retryable: false,
        accountEffect: 'none',
      });
    }
    const key = `${config.upstream.base_url}|${signerUrl}|${request.method.toUpperCase()}|${request.path}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value;

    // Merged refreshes run without any one caller's signal, so one impatient caller cannot fail
    // the others; each caller still stops waiting when its own signal fires.
    let refresh = this.refreshes.get(key);
    if (!refresh) {
      refresh = this.refresh(config, signerUrl, request).finally(() => this.refreshes.delete(key));
      this.refreshes.set(key, refresh);
    }
    try {
      const value = await untilAborted(refresh, request.signal);
      this.cache.set(key, { value, expiresAt: this.now() + SIGNATURE_LIFETIME_MS });
      return value;
    } catch (error) {
      // An expired signature often still works; a failing signer should not stop all traffic.
      const stale = this.cache.get(key);
      if (stale) return stale.value;
      throw error;
    }
  }

  private async refresh(config: Config, signerUrl: string, request: StatsigRequest): Promise<string> {
    let metaContent = await this.fetchMetaContent(config, request);
    try {
      return await this.sign(signerUrl, request, metaContent);
    } catch {
      // The page may have rotated its verification value between our fetch and the signing.
      metaContent = await this.fetchMetaContent(config, request);
      return this.sign(signerUrl, request, metaContent);
    }
  }

  private async fetchMetaContent(config: Config, request: StatsigRequest): Promise<string> {
    for (const path of ['/index', '/']) {
      const page = await fetchBoundedText(
        {
          url: upstreamUrl(config.upstream.base_url, path),
          method: 'GET',
          headers: navigationHeaders(config, request.token),
          timeoutSeconds: PAGE_TIMEOUT_SECONDS,
          proxyUrl: config.proxy.base_proxy_url,
          skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
          purpose: 'statsig page',
          fetch: this.options.fetch,
        },
        PAGE_LIMIT_BYTES,
      );
      const meta = extractVerificationMeta(page.text);
      if (meta) return meta;
      if (page.status === 404 && path === '/index') continue;
      if (page.status < 200 || page.status >= 300) throw classifyHttpFailure(page.status, page.headers, page.text);
      break;
    }
    throw new UpstreamError({
      code: 'bad_response',
      message: 'statsig page: no grok-site-verification meta tag (the web app may have changed)',
      retryable: false,
      accountEffect: 'none',
    });
  }

  private async sign(signerUrl: string, request: StatsigRequest, metaContent: string): Promise<string> {
    const answer = await fetchBoundedText(
      {
        url: signerUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          method: request.method.toUpperCase(),
          path: request.path,
          environment: { metaContent },
        }),
        timeoutSeconds: SIGNER_TIMEOUT_SECONDS,
        purpose: 'statsig signer',
        fetch: this.options.fetch,
      },
      SIGNER_LIMIT_BYTES,
    );
    const parsed = parseJson(answer.text);
    if (answer.status < 200 || answer.status >= 300 || !Value.Check(SignerAnswer, parsed)) {
      throw new UpstreamError({
        code: 'bad_response',
        message: `statsig signer answered HTTP ${answer.status} without an x-statsig-id`,
        status: answer.status,
        retryable: true,
        accountEffect: 'none',
      });
    }
    const value = parsed['x-statsig-id'].trim();
    if (decodedBase64Length(value) !== STATSIG_BYTES) {
      throw new UpstreamError({
        code: 'bad_response',
        message: `statsig signer returned a value that is not ${STATSIG_BYTES} bytes`,
        retryable: true,
        accountEffect: 'none',
      });
    }
    return value;
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
