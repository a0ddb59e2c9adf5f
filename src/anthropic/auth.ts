import { bearerToken } from '../auth/bearer';
import { matchesAnyKey } from '../auth/constant-time';
import { ApiError } from '../http/errors';

/**
 * Anthropic clients send the key as `x-api-key`; some gateways' users send Bearer. Either is
 * compared in constant time against `app.api_key`; an empty key list leaves the route open.
 */
export function requireAnthropicKey(request: Request, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const key = request.headers.get('x-api-key')?.trim() || bearerToken(request.headers.get('authorization'));
  if (!key)
    throw new ApiError({
      status: 401,
      message: 'Missing API key. Send "x-api-key: <key>" or "Authorization: Bearer <key>".',
      code: 'invalid_api_key',
    });
  if (!matchesAnyKey(key, keys))
    throw new ApiError({ status: 401, message: 'Invalid API key.', code: 'invalid_api_key' });
}
