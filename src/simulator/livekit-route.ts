import { createHash } from 'node:crypto';
import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse } from './canned-responses';
import { parseJsonObjectBody, type IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';

/**
 * POST /rest/livekit/tokens (§15): checks that `sessionPayload` is a JSON object serialised into a
 * string and answers a JWT-shaped token that names the account and the chosen voice, so a test can
 * see which account and options the gateway brokered.
 */
export function handleLivekitToken(
  _state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields || typeof fields.sessionPayload !== 'string') return invalidArgument('sessionPayload must be a string');
  let session: unknown;
  try {
    session = JSON.parse(fields.sessionPayload);
  } catch {
    return invalidArgument('sessionPayload is not JSON');
  }
  if (typeof session !== 'object' || session === null || typeof (session as { voice?: unknown }).voice !== 'string')
    return invalidArgument('sessionPayload.voice is required');
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    sub: account.userId,
    video: { room: `voice-${account.userId}`, roomJoin: true },
    metadata: fields.sessionPayload,
  };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  const signature = createHash('sha256').update(unsigned).digest('base64url');
  return jsonResponse(200, { token: `${unsigned}.${signature}`, livekitUrl: fields.livekitUrl ?? null });
}
