import { Elysia } from 'elysia';
import { bearerToken, requireBearer, unauthorized } from '../auth/bearer';
import { matchesAnyKey } from '../auth/constant-time';
import { resolveModel } from '../catalog/model-aliases';
import { observeStream } from '../metrics/stream-observer';
import { ApiError } from '../http/errors';
import { KEY_PREFIX, keyUnusableReason, type StoredClientKey } from './client-key';
import type { ClientKeyLimiter } from './client-key-limits';
import type { ClientKeyStore } from './client-key-store';

/**
 * Who may call the client API (/v1 except /v1/admin): a key from `app.api_key`, or a client key
 * made in the console, which also brings a model allowlist and limits. The store lookup is async,
 * so it happens once in onRequest and leaves a verdict keyed by the request; the routes' guards
 * stay synchronous. The limits are taken after the body is parsed (the allowlist needs `model`)
 * and given back when the answer ends — for a stream, when its last byte is sent or the client
 * goes away.
 *
 * `app.api_key` empty and no usable client key = the API is open, as before client keys existed.
 */

type Verdict = { key: StoredClientKey } | { refused: 'revoked' | 'expired' };

const presentedKey = (request: Request) =>
  request.headers.get('x-api-key')?.trim() || bearerToken(request.headers.get('authorization'));

const isClientApi = (path: string) => path.startsWith('/v1/') && !path.startsWith('/v1/admin/');

export class ClientKeyGuard {
  private readonly verdicts = new WeakMap<Request, Verdict>();
  private readonly held = new WeakMap<Request, { release: () => void; streamed: boolean }>();
  /** Requests the gateway made itself for an already-authorised caller (the playground's function key). */
  private readonly trusted = new WeakSet<Request>();
  /** Requests the guard already let through. */
  private readonly passed = new WeakSet<Request>();

  constructor(
    private readonly store: ClientKeyStore,
    private readonly limiter: ClientKeyLimiter,
    private readonly staticKeys: () => string[],
    /** config `models.aliases`: an allowlist naming a model allows the aliases that stand for it. */
    private readonly aliases: () => readonly string[] = () => [],
    private readonly clock: () => number = Date.now,
  ) {}

  plugin() {
    return new Elysia({ name: 'client-key-guard' })
      .onRequest(async ({ request }) => {
        if (!isClientApi(new URL(request.url).pathname)) return;
        await this.store.anyUsable(); // keeps the cached answer the synchronous guard reads fresh
        const presented = presentedKey(request);
        if (!presented?.startsWith(KEY_PREFIX)) return;
        const key = await this.store.find(presented);
        if (!key) return;
        const refused = keyUnusableReason(key, this.clock());
        this.verdicts.set(request, refused ? { refused } : { key });
      })
      .onBeforeHandle({ as: 'global' }, ({ request, body }) => {
        const verdict = this.verdicts.get(request);
        if (!verdict || !('key' in verdict)) return;
        const key = verdict.key;
        const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
        if (key.models.length > 0 && typeof model === 'string' && !this.allows(key, model)) {
          throw new ApiError({
            status: 403,
            message: `This API key may not use model ${model}.`,
            param: 'model',
            code: 'model_not_allowed',
          });
        }
        const slot = this.limiter.acquire(key);
        if ('limit' in slot) {
          throw new ApiError({
            status: 429,
            message: `This API key is over its ${slot.limit === 'rpm' ? 'requests-per-minute' : slot.limit === 'daily_limit' ? 'daily request' : 'concurrent request'} limit.`,
            code: `key_${slot.limit}_exceeded`,
            retryAfterSeconds: slot.retryAfterSeconds,
          });
        }
        this.held.set(request, { release: slot.release, streamed: false });
      })
      .onAfterHandle({ as: 'global' }, ({ request, responseValue }) => {
        const held = this.held.get(request);
        if (!held || !(responseValue instanceof Response) || !responseValue.body) return;
        if (!responseValue.headers.get('content-type')?.startsWith('text/event-stream')) return;
        held.streamed = true;
        const body = observeStream(responseValue.body, { onFirstToken: () => {}, onEnd: held.release });
        return new Response(body, { status: responseValue.status, headers: responseValue.headers });
      })
      .onAfterResponse({ as: 'global' }, ({ request }) => {
        const held = this.held.get(request);
        if (held && !held.streamed) held.release();
      });
  }

  /** A model is allowed when the allowlist names it or the catalog model it stands for. */
  private allows(key: StoredClientKey, model: string): boolean {
    if (key.models.includes(model)) return true;
    const canonical = resolveModel(model, this.aliases())?.id;
    return canonical !== undefined && key.models.includes(canonical);
  }

  /** Lets one request the gateway built itself through (an object nobody outside can hold). */
  trust(request: Request): Request {
    this.trusted.add(request);
    return request;
  }

  /** A request the gateway built itself (see trust). */
  isTrusted(request: Request): boolean {
    return this.trusted.has(request);
  }

  /** Whether the request presents a key at all (x-api-key or Bearer). */
  presentsKey(request: Request): boolean {
    return Boolean(presentedKey(request));
  }

  /** True when no key is needed: no app.api_key and no usable console key. */
  isOpen(): boolean {
    return this.staticKeys().length === 0 && !this.store.anyUsableCached();
  }

  /** Whether the request carries a key the client API accepts (the playground without a function key). */
  accepts(request: Request): boolean {
    if (this.isOpen() || !this.presentsKey(request)) return false;
    try {
      this.guard(request);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The synchronous guard the client routes take. The access gate runs it before the body is read
   * and the route handler again; a request that passed once is not hashed and compared a second time.
   */
  readonly guard = (request: Request): void => {
    if (this.passed.has(request)) return;
    this.check(request);
    this.passed.add(request);
  };

  private check(request: Request): void {
    if (this.trusted.has(request)) return;
    const verdict = this.verdicts.get(request);
    if (verdict && 'key' in verdict) return;
    if (verdict && 'refused' in verdict) {
      throw new ApiError({
        status: 401,
        message: `This API key has been ${verdict.refused === 'revoked' ? 'revoked' : 'expired'}.`,
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
    }
    const keys = this.staticKeys();
    if (keys.length === 0 && !this.store.anyUsableCached()) return;
    if (keys.length === 0) {
      // Only console keys exist: requireBearer would treat the empty list as "open".
      throw unauthorized(
        presentedKey(request)
          ? 'Invalid authentication token.'
          : 'Missing authentication token. Send "Authorization: Bearer <key>".',
      );
    }
    const apiKeyHeader = request.headers.get('x-api-key')?.trim();
    if (apiKeyHeader) {
      // Anthropic clients send x-api-key; the OpenAI routes keep their Bearer errors below.
      if (matchesAnyKey(apiKeyHeader, keys)) return;
      throw new ApiError({
        status: 401,
        message: 'Invalid API key.',
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
    }
    requireBearer(request.headers.get('authorization'), keys);
  }
}
