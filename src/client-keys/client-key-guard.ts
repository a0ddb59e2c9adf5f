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
 * Who may call the client API (the route groups that declare `client` access): a key from
 * `app.api_key`, or a client key made in the console, which also brings a model allowlist and
 * limits. `check` is the groups' access policy (src/http/route-groups.ts), run before the body is
 * read; it leaves the key it found keyed by the request. The limits are taken after the body is
 * parsed (the allowlist needs `model`) and given back when the answer ends — for a stream, when
 * its last byte is sent or the client goes away.
 *
 * `app.api_key` empty and no usable client key = the API is open, as before client keys existed.
 */

type Verdict = { key: StoredClientKey } | { refused: 'revoked' | 'expired' };

const presentedKey = (request: Request) =>
  request.headers.get('x-api-key')?.trim() || bearerToken(request.headers.get('authorization'));

export class ClientKeyGuard {
  private readonly verdicts = new WeakMap<Request, Verdict>();
  private readonly held = new WeakMap<Request, { release: () => void; streamed: boolean }>();
  /** Requests the gateway made itself for an already-authorised caller (the playground's function key). */
  private readonly trusted = new WeakSet<Request>();

  constructor(
    private readonly store: ClientKeyStore,
    private readonly limiter: ClientKeyLimiter,
    private readonly staticKeys: () => string[],
    /** config `models.aliases`: an allowlist naming a model allows the aliases that stand for it. */
    private readonly aliases: () => readonly string[] = () => [],
    private readonly clock: () => number = Date.now,
  ) {}

  /** The limits of the console keys: taken once the body is parsed, given back when the answer ends. */
  plugin() {
    return new Elysia({ name: 'client-key-limits' })
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
  async isOpen(): Promise<boolean> {
    return this.staticKeys().length === 0 && !(await this.store.anyUsable());
  }

  /** Whether the request carries a key the client API accepts (the playground without a function key). */
  async accepts(request: Request): Promise<boolean> {
    if ((await this.isOpen()) || !this.presentsKey(request)) return false;
    try {
      await this.check(request);
      return true;
    } catch {
      return false;
    }
  }

  /** The client API's access policy: lets the request through or throws a 401. */
  async check(request: Request): Promise<void> {
    if (this.trusted.has(request)) return;
    const anyUsable = await this.store.anyUsable();
    const presented = presentedKey(request);
    if (presented?.startsWith(KEY_PREFIX)) {
      const key = await this.store.find(presented);
      if (key) {
        const refused = keyUnusableReason(key, this.clock());
        this.verdicts.set(request, refused ? { refused } : { key });
      }
    }
    this.verify(request, anyUsable);
  }

  private verify(request: Request, anyUsable: boolean): void {
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
    if (keys.length === 0 && !anyUsable) return;
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
