import { ApiError } from '../http/errors';
import { matchesAnyKey, secretsEqual } from './constant-time';

/** Reads `Authorization: Bearer <token>`; null when absent or not a Bearer header. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match ? match[1]!.trim() : null;
}

/** A 401 that asks for a Bearer key: what every key check answers with. */
export const unauthorized = (message: string) =>
  new ApiError({
    status: 401,
    message,
    type: 'authentication_error',
    code: 'invalid_api_key',
    headers: { 'www-authenticate': 'Bearer' },
  });

/**
 * Throws a 401 ApiError unless the Bearer token is the one key (not empty), with the Python
 * project's messages: the playground's function key, here and on the edge Worker.
 */
export function requireKey(authorization: string | null | undefined, key: string): void {
  const presented = bearerToken(authorization);
  if (presented === null) throw unauthorized('Missing authentication token');
  if (!secretsEqual(presented, key)) throw unauthorized('Invalid authentication token');
}

/**
 * Throws a 401 ApiError unless the request carries one of the keys. An empty key list means the
 * route is open (the caller decides whether that is allowed).
 */
export function requireBearer(authorization: string | null | undefined, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const token = bearerToken(authorization);
  if (token === null) throw unauthorized('Missing authentication token. Send "Authorization: Bearer <key>".');
  if (!matchesAnyKey(token, keys)) throw unauthorized('Invalid authentication token.');
}

/** `app.api_key` may be a comma-separated string or an array. */
export function parseKeyList(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? value.split(',') : value;
  return parts.map((key) => key.trim()).filter((key) => key.length > 0);
}
