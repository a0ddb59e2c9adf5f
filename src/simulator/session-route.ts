import { cloudflareChallenge, jsonResponse } from './canned-responses';
import type { IncomingRequest } from './incoming-request';
import { authenticate, cloudflareBlocks } from './request-guards';
import type { SimulatorState } from './simulator-state';

/** GET /api/auth/session (§6): the gateway's source of the user id. */
export function handleSession(state: SimulatorState, incoming: IncomingRequest): Response {
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  const auth = authenticate(state, incoming.token);
  if (auth.kind === 'unauthenticated') return jsonResponse(401, { status: 'unauthenticated' });
  // The reference reads a blocked account from the body, not from the status code.
  if (auth.kind === 'blocked') return jsonResponse(200, { status: 'blocked' });
  return jsonResponse(200, {
    status: 'authenticated',
    session: { userId: auth.account.userId, email: auth.account.email },
  });
}
