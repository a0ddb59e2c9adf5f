import type { Config } from '../../config/schema';
import { UpstreamError } from '../errors';
import { serviceTimeouts, type UpstreamService } from '../service-timeouts';
import { readErrorBodyText, sendRequest, type FetchFunction } from '../http';
import { chatRetrySettings, withRetry, type RetryEnvironment } from '../retry';
import { preflightFor, startChatStream, type GrokChatStream } from './chat-stream';
import { classifyHttpFailure } from './classify';
import { FrameParser } from './frame-parser';
import { imagineReferer, restHeaders, upstreamUrl } from './headers';
import { parseRateLimits, rateLimitsBody, RATE_LIMITS_PATH, type RateLimits } from './rate-limits';
import { badResponse, callJson } from './rest-call';
import { parseSession, SESSION_PATH, type SessionIdentity } from './session';
import { StatsigProvider } from './statsig';
import { normalizeToken } from './token';
import { ProxyPool } from '../egress/proxy-pool';
import { effectiveStatus } from '../retry';
import { parseUpload, uploadBody, UPLOAD_PATH, type UploadedFile } from './upload';
import { MULTIPART_UPLOAD_PATH, multipartUploadForm, parseMultipartUpload } from './upload-multipart';
import { missingUserId, startGatewayChat } from './gateway/gateway-chat';
import type { SocketObserver, WebSocketConstructor } from './gateway/gateway-socket';
import { gatewayTurnFromPayload } from './gateway/gateway-turn';
import { IdentityCache } from './gateway/identity-cache';
import { upstreamWebSocket } from '../egress/wreq-client';

export type { GrokChatStream } from './chat-stream';
export type { GrokEvent } from './frames';

/**
 * The Grok web client. It reads the config getter on every call, so a hot reload takes effect on
 * the next request, and every host comes from `upstream.*` so the simulator can stand in.
 * Tokens appear only in Cookie headers, never in messages.
 */

export const CHAT_PATH = '/rest/app-chat/conversations/new';
const ERROR_BODY_LIMIT = 64 * 1024;
const JSON_ANSWER_LIMIT = 1024 * 1024;
const SESSION_ANSWER_LIMIT = 64 * 1024;
/** §5.7: the reference gives the identity call 15 s. */
const SESSION_TIMEOUT_SECONDS = 15;
/** A user id never changes for a session; an hour bounds how long a reissued account is stale. */
const IDENTITY_TTL_SECONDS = 3600;
/** Handshake answers that mean "no gateway here", after which `auto` uses REST. */
const GATEWAY_ABSENT_STATUSES = [404, 426];

export interface GrokClientOptions {
  config: () => Config;
  fetch?: FetchFunction;
  /** Shared with other clients so signatures are cached once; created when omitted. */
  statsig?: StatsigProvider;
  /** Layer-1 retry sleep/random; tests inject one that does not sleep. */
  retryEnvironment?: RetryEnvironment;
  /** The gateway transport's WebSocket; tests inject one. */
  WebSocket?: WebSocketConstructor;
  /** Told when the upstream answered with a Cloudflare challenge (the clearance refresher). */
  onChallenge?: () => void;
  /** Sees each gateway socket's traffic (the diagnostics capture). */
  observeSocket?: (url: string, headers: Record<string, string>) => SocketObserver;
  now?: () => number;
}

export interface UploadOptions {
  /** §11.2: an Imagine upload (image edit, video reference) names its source and comes from /imagine. */
  imagine?: boolean;
}

export interface ChatRequest {
  token: string;
  payload: Record<string, unknown>;
  signal?: AbortSignal;
  /** Sees every raw frame of the answer (video progress has no chat event). */
  observeFrame?: (frame: unknown) => void;
  /**
   * Whose deadlines apply: image and video turns render for longer than a chat answer and have
   * their own `image.*` / `video.*` timeouts (§5.7). Default chat.
   */
  service?: Extract<UpstreamService, 'chat' | 'image' | 'video'>;
}

export class GrokClient {
  readonly statsig: StatsigProvider;
  readonly identities: IdentityCache;
  readonly proxies: ProxyPool;

  constructor(private readonly options: GrokClientOptions) {
    this.statsig = options.statsig ?? new StatsigProvider({ config: options.config, fetch: options.fetch });
    this.identities = new IdentityCache({ ttlSeconds: IDENTITY_TTL_SECONDS, now: options.now });
    this.proxies = new ProxyPool({ now: options.now });
  }

  /**
   * The REST client every upstream call must use (impit when selected, the diagnostics capture):
   * calls made outside this class (media posts, account settings, assets, voice) take it from here.
   */
  get upstreamFetch(): FetchFunction | undefined {
    return this.options.fetch;
  }

  /** The account's proxy from `proxy.base_proxy_url` (or the asset proxy): sticky, healthy first. */
  egressFor(token: string, asset = false): string {
    const proxy = this.options.config().proxy;
    return this.proxies.pick(asset ? proxy.asset_proxy_url || proxy.base_proxy_url : proxy.base_proxy_url, token);
  }

  /**
   * What a call through `proxy` says about it, as chat judges its own calls: a transport failure
   * (or a reset status) cools the proxy so the account moves to another; an answer clears it.
   * Media calls that leave outside `chat()` (Imagine socket, media posts, downloads) report here.
   */
  reportEgress(proxy: string, error?: unknown): void {
    if (error === undefined) this.proxies.succeeded(proxy);
    else if (!(error instanceof UpstreamError)) return;
    else if (isEgressFailure(error, this.options.config().retry.reset_session_status_codes)) this.proxies.failed(proxy);
  }

  /**
   * Starts a chat turn. Resolves once the first meaningful event has arrived. Failures the
   * upstream gave before it accepted the turn are retried on the same account as `retry.*` says
   * (see `chatRetrySettings`); a 403 or anti-bot answer drops the cached x-statsig-id first.
   */
  async chat(request: ChatRequest): Promise<GrokChatStream> {
    const token = requireToken(request.token);
    const attempt = async () => {
      const proxy = this.egressFor(token);
      try {
        const stream = await this.openTurn(token, request, proxy);
        this.proxies.succeeded(proxy);
        return stream;
      } catch (error) {
        if (error instanceof UpstreamError && error.code === 'cloudflare_challenge') this.options.onChallenge?.();
        if (
          error instanceof UpstreamError &&
          isEgressFailure(error, this.options.config().retry.reset_session_status_codes)
        )
          this.proxies.failed(proxy);
        throw error;
      }
    };
    return withRetry(attempt, {
      settings: chatRetrySettings(this.options.config().retry),
      environment: this.options.retryEnvironment,
      signal: request.signal,
      alsoRequire: (error) => error.accountEffect === 'none',
      beforeRetry: (error) => {
        if (error.code === 'anti_bot' || error.code === 'cloudflare_challenge')
          this.statsig.invalidate('POST', CHAT_PATH);
      },
    });
  }

  /** §2: the REST stream, the model gateway, or (auto) the gateway with REST where it cannot serve. */
  private async openTurn(token: string, request: ChatRequest, proxy: string): Promise<GrokChatStream> {
    const transport = this.options.config().upstream.chat_transport;
    // Media turns (image edit, video, chat-based image generation) stay on conversations/new:
    // the current release still sends image edit and video there (§12.4, §13.1).
    if (transport === 'rest' || (request.service ?? 'chat') !== 'chat') return this.chatOnce(token, request, proxy);
    const turn = gatewayTurnFromPayload(request.payload);
    if (!turn) throw badResponse('chat gateway', 'the chat payload has no message');
    // The turn's own retry covers the lookup, so it makes one attempt per turn attempt.
    const userId = await this.identities.userId(
      token,
      async () => (await this.session(token, request.signal, { singleAttempt: true })).userId,
    );
    if (!userId) {
      if (transport === 'auto') return this.chatOnce(token, request, proxy);
      throw missingUserId();
    }
    try {
      return await startGatewayChat({
        config: this.options.config(),
        token,
        userId,
        turn,
        proxyUrl: proxy,
        signal: request.signal,
        WebSocket: this.options.WebSocket ?? (await upstreamWebSocket(this.options.config())),
        observeSocket: this.options.observeSocket,
        now: this.options.now,
        service: request.service,
      });
    } catch (error) {
      if (error instanceof UpstreamError && error.accountEffect !== 'none') this.identities.forget(token);
      const absent =
        error instanceof UpstreamError && error.status !== undefined && GATEWAY_ABSENT_STATUSES.includes(error.status);
      if (transport === 'auto' && absent) return this.chatOnce(token, request, proxy);
      throw error;
    }
  }

  private async chatOnce(token: string, request: ChatRequest, proxy: string): Promise<GrokChatStream> {
    const config = this.options.config();
    const statsigId = await this.statsig.value({ method: 'POST', path: CHAT_PATH, token, signal: request.signal });
    const http = await sendRequest({
      url: upstreamUrl(config.upstream.base_url, CHAT_PATH),
      method: 'POST',
      headers: restHeaders({ config, token, statsigId, referer: mediaReferer(config, request.service) }),
      body: JSON.stringify(request.payload),
      timeoutSeconds: serviceTimeouts(config, request.service ?? 'chat').firstByteSeconds,
      signal: request.signal,
      proxyUrl: proxy,
      skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
      purpose: 'chat',
      fetch: this.options.fetch,
    }).catch((error: unknown) => {
      throw notReplayableAfterSending(error);
    });
    if (!http.response.ok) {
      const body = await readErrorBodyText(http.response, ERROR_BODY_LIMIT);
      http.abort();
      throw classifyHttpFailure(http.response.status, http.response.headers, body, {
        purpose: 'chat',
        secrets: [token],
      });
    }
    const parser = new FrameParser({
      assetsUrl: config.upstream.assets_url,
      filterTags: config.app.filter_tags,
      observeFrame: request.observeFrame,
    });
    const idleTimeoutSeconds = serviceTimeouts(config, request.service ?? 'chat').idleSeconds;
    const preflight = preflightFor(request.service);
    return startChatStream({ http, parser, idleTimeoutSeconds, signal: request.signal, preflight });
  }

  /** The account's window for `modelName` (a mode in newer releases), or its overall quota. */
  async rateLimits(token: string, modelName?: string, signal?: AbortSignal): Promise<RateLimits> {
    const config = this.options.config();
    const answer = await callJson({
      ...this.common(config, requireToken(token), signal),
      method: 'POST',
      path: RATE_LIMITS_PATH,
      body: rateLimitsBody(modelName),
      timeoutSeconds: config.usage.timeout,
      maxBytes: JSON_ANSWER_LIMIT,
      purpose: 'rate-limits',
      statsig: this.statsig,
      proxyUrl: this.egressFor(token),
      rateLimitProbe: true,
    });
    const limits = parseRateLimits(answer);
    if (!limits) throw badResponse('rate-limits', 'the answer has no remaining count');
    return limits;
  }

  /**
   * Uploads per `upstream.upload_protocol`; the returned `fileId` goes into a chat payload's
   * `fileAttachments`. Imagine uploads (edits, video references) always take the multipart upload with
   * that `file_source` part, as the web app sends it (§11.2).
   */
  async uploadFile(
    token: string,
    file: { name: string; mimeType: string; bytes: Uint8Array },
    signal?: AbortSignal,
    options: UploadOptions = {},
  ): Promise<UploadedFile> {
    const config = this.options.config();
    // Imagine uploads always take the current multipart form: only it carries their file_source (§11.2).
    if (options.imagine || config.upstream.upload_protocol === 'multipart') {
      return this.uploadMultipart(config, requireToken(token), file, signal, options);
    }
    const proxyUrl = this.egressFor(token, true);
    const answer = await this.throughEgress(proxyUrl, () =>
      callJson({
        ...this.common(config, requireToken(token), signal),
        method: 'POST',
        path: UPLOAD_PATH,
        body: uploadBody(file),
        timeoutSeconds: config.asset.upload_timeout,
        maxBytes: JSON_ANSWER_LIMIT,
        purpose: 'upload',
        statsig: this.statsig,
        proxyUrl,
        accountBound: true,
      }),
    );
    const uploaded = parseUpload(answer);
    if (!uploaded) throw badResponse('upload', 'the answer has no fileMetadataId');
    return uploaded;
  }

  private async uploadMultipart(
    config: Config,
    token: string,
    file: { name: string; mimeType: string; bytes: Uint8Array },
    signal: AbortSignal | undefined,
    options: UploadOptions,
  ): Promise<UploadedFile> {
    const proxyUrl = this.egressFor(token, true);
    const answer = await this.throughEgress(proxyUrl, () =>
      callJson({
        ...this.common(config, token, signal),
        method: 'POST',
        path: MULTIPART_UPLOAD_PATH,
        multipart: multipartUploadForm(file, options.imagine),
        referer: options.imagine ? imagineReferer(config) : undefined,
        headerKind: 'upload',
        timeoutSeconds: config.asset.upload_timeout,
        maxBytes: 2 * 1024 * 1024,
        purpose: 'upload',
        proxyUrl,
        accountBound: true,
      }),
    );
    const uploaded = parseMultipartUpload(answer);
    if (!uploaded.ok) throw badResponse('upload', uploaded.problem);
    return uploaded.file;
  }

  /** Runs one call through `proxy` and reports what it showed of the proxy (`reportEgress`). */
  async throughEgress<T>(proxy: string, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.reportEgress(proxy);
      return result;
    } catch (error) {
      this.reportEgress(proxy, error);
      throw error;
    }
  }

  /** Who the token belongs to (§6). */
  async session(
    token: string,
    signal?: AbortSignal,
    options: { singleAttempt?: boolean } = {},
  ): Promise<SessionIdentity> {
    const config = this.options.config();
    const answer = await callJson({
      ...this.common(config, requireToken(token), signal),
      method: 'GET',
      path: SESSION_PATH,
      timeoutSeconds: SESSION_TIMEOUT_SECONDS,
      maxBytes: SESSION_ANSWER_LIMIT,
      purpose: 'session',
      headerKind: 'session',
      proxyUrl: this.egressFor(token),
      singleAttempt: options.singleAttempt,
    });
    return parseSession(answer);
  }

  private common(config: Config, token: string, signal: AbortSignal | undefined) {
    return { config, token, signal, fetch: this.options.fetch, retryEnvironment: this.options.retryEnvironment };
  }
}

/** §4.3: the current release sends media turns from the Imagine page. */
function mediaReferer(config: Config, service: ChatRequest['service']): string | undefined {
  return (service ?? 'chat') === 'chat' ? undefined : imagineReferer(config);
}

/** §5.5: the egress, not the account, failed: rotate the account's proxy. */
function isEgressFailure(error: UpstreamError, resetStatuses: readonly number[]): boolean {
  if (error.accountEffect !== 'none') return false;
  if (error.code === 'network' || error.code === 'timeout') return true;
  const status = effectiveStatus(error);
  return status !== undefined && resetStatuses.includes(status);
}

/**
 * The POST went out but no head came back: the upstream may be generating already, so the turn
 * must not be sent again, on this account or another (docs/upstream-protocol.md §5.6).
 */
function notReplayableAfterSending(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || error.code !== 'timeout') return error;
  return new UpstreamError({
    code: error.code,
    message: `${error.message}; not retried because the upstream may have accepted the turn`,
    retryable: false,
    accountEffect: error.accountEffect,
    cause: error.cause,
  });
}

function requireToken(raw: string): string {
  const token = normalizeToken(raw);
  if (token === null) {
    throw new UpstreamError({
      code: 'unauthorized',
      message: 'the account token is empty or malformed',
      retryable: true,
      accountEffect: 'expire',
    });
  }
  return token;
}
