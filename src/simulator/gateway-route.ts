import type { Server } from 'bun';
import { jsonResponse, unauthenticated } from './canned-responses';
import type { IncomingRequest } from './incoming-request';
import { guardApiRequest } from './request-guards';
import type { SimulatorState } from './simulator-state';
import type { GatewaySocketData } from './gateway-session';

/**
 * GET /ws/mgw/?uid=<UID> (§8.1): the same edge checks as every API call (faults, Cloudflare, the
 * account), answered with an HTTP status instead of 101 when they fail; then the `uid` query
 * must equal the `x-userid` cookie and the account's user id.
 */
export async function handleGatewayUpgrade(
  state: SimulatorState,
  incoming: IncomingRequest,
  server: Server<GatewaySocketData>,
): Promise<Response | undefined> {
  const guarded = await guardApiRequest(state, incoming, { statsig: false });
  if ('response' in guarded) return guarded.response;
  const uid = new URL(incoming.request.url).searchParams.get('uid') ?? '';
  if (!uid || incoming.cookies['x-userid'] !== uid) {
    return jsonResponse(400, {
      code: 3,
      message: 'the uid query and the x-userid cookie must name the same user',
      details: [],
    });
  }
  if (uid !== guarded.account.userId.toLowerCase()) return unauthenticated();
  if ((incoming.request.headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') {
    return new Response('Upgrade Required', { status: 426, headers: { upgrade: 'websocket' } });
  }
  const upgraded = server.upgrade(incoming.request, { data: { token: guarded.account.token } });
  return upgraded ? undefined : new Response('Upgrade failed', { status: 400 });
}
