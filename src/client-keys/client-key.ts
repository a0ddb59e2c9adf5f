import { createHash, randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';

/**
 * Client API keys made in the console (beyond `app.api_key`): each with a name, a model
 * allowlist and limits. The key itself is shown once when made; storage keeps only its SHA-256.
 * The record id is the first 16 hex digits of that hash — the same id the usage records give the
 * key (src/usage/usage-recorder.ts `secretId`), so per-key usage needs no extra bookkeeping.
 */

export const KEY_PREFIX = 'sk-g2a-';

export const ClientKeyLimits = Type.Object({
  /** Model ids the key may call; empty = every model. */
  models: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 200, default: [] }),
  /** Requests per minute; 0 = no limit. */
  rpm: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  /** Requests in flight at once; 0 = no limit. */
  concurrency: Type.Integer({ minimum: 0, maximum: 10_000, default: 0 }),
  /** Requests per UTC day; 0 = no limit. */
  daily_limit: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 }),
});
export type ClientKeyLimits = Static<typeof ClientKeyLimits>;

export const StoredClientKey = Type.Composite([
  ClientKeyLimits,
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    hash: Type.String(),
    /** What the console shows: the prefix and the last four characters. */
    masked: Type.String(),
    created_at: Type.Number(),
    /** Epoch ms after which the key stops working; null = never. */
    expires_at: Type.Union([Type.Number(), Type.Null()]),
    revoked_at: Type.Union([Type.Number(), Type.Null()]),
  }),
]);
export type StoredClientKey = Static<typeof StoredClientKey>;

export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');
export const keyId = (hash: string) => hash.slice(0, 16);

export function newClientKey(random: (bytes: number) => Buffer = randomBytes): string {
  return KEY_PREFIX + random(24).toString('base64url');
}

export const maskKey = (key: string) => `${key.slice(0, KEY_PREFIX.length + 4)}…${key.slice(-4)}`;

/** Why a stored key cannot be used now, or null when it can. */
export function keyUnusableReason(key: StoredClientKey, now: number): 'revoked' | 'expired' | null {
  if (key.revoked_at !== null) return 'revoked';
  if (key.expires_at !== null && key.expires_at <= now) return 'expired';
  return null;
}
