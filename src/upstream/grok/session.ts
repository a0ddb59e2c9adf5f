import { Type } from '@sinclair/typebox';
import { UpstreamError } from '../errors';
import { pick } from './frames';

/**
 * `GET /api/auth/session` (docs/upstream-protocol.md §6): who the token belongs to.
 * The answer's shape varies, so each candidate path is tried in the reference's order.
 */

export const SESSION_PATH = '/api/auth/session';

export interface SessionIdentity {
  /** Only a UUID is usable as the gateway's `uid`; anything else is reported as null. */
  userId: string | null;
  email: string | null;
}

const AnyObject = Type.Record(Type.String(), Type.Unknown());
const Text = Type.String({ minLength: 1 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function firstText(value: unknown, paths: readonly string[][]): string | undefined {
  for (const path of paths) {
    let place: unknown = value;
    for (const key of path) place = pick(AnyObject, place)?.[key];
    const text = pick(Text, place);
    if (text?.trim()) return text.trim();
  }
  return undefined;
}

export function parseSession(value: unknown): SessionIdentity {
  const status = firstText(value, [['status']])?.toLowerCase();
  if (status === 'unauthenticated') {
    throw new UpstreamError({
      code: 'unauthorized',
      message: 'session: upstream reports the token as unauthenticated',
      retryable: true,
      accountEffect: 'expire',
    });
  }
  if (status === 'blocked') {
    throw new UpstreamError({
      code: 'account_blocked',
      message: 'session: upstream reports the account as blocked',
      retryable: true,
      accountEffect: 'disable',
    });
  }
  const userId = firstText(value, [
    ['session', 'userId'],
    ['user', 'id'],
    ['user', 'userId'],
    ['user', 'sub'],
    ['id'],
    ['userId'],
    ['sub'],
  ]);
  const email = firstText(value, [['session', 'email'], ['user', 'email'], ['email']]);
  if (!userId && !email) {
    throw new UpstreamError({
      code: 'bad_response',
      message: 'session: the answer names neither a user id nor an email',
      retryable: false,
      accountEffect: 'none',
    });
  }
  return { userId: userId && UUID.test(userId) ? userId : null, email: email ?? null };
}
