import type { ResolvedAccount } from './account-registry';
import { abortableSleep } from './abortable-sleep';
import { antiBotRejected, blockedUser, cloudflareChallenge, unauthenticated } from './canned-responses';
import { faultApplies } from './fault-rules';
import { requestFaultResponse } from './fault-responses';
import type { IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';
import { statsigAccepted } from './statsig';

const DEFAULT_SLOW_FIRST_BYTE_MS = 1000;

export type AuthenticationResult =
  | { kind: 'ok'; account: ResolvedAccount }
  | { kind: 'unauthenticated' }
  | { kind: 'blocked' };

export function authenticate(state: SimulatorState, token: string | undefined): AuthenticationResult {
  if (!token) return { kind: 'unauthenticated' };
  let account = state.accounts.get(token);
  if (!account && state.options.acceptUnknownTokens) account = state.accounts.add({ token, tier: 'basic' });
  if (!account || account.expired) return { kind: 'unauthenticated' };
  if (account.blocked) return { kind: 'blocked' };
  return { kind: 'ok', account };
}

export function cloudflareBlocks(state: SimulatorState, incoming: IncomingRequest): boolean {
  const required = state.options.requireCfClearance;
  return required !== null && incoming.cookies.cf_clearance !== required;
}

/**
 * The checks in front of every upstream API call, in edge-to-application order: an injected
 * fault (which stands for anything going wrong on the way), Cloudflare, anti-bot, then the
 * account itself.
 */
export async function guardApiRequest(
  state: SimulatorState,
  incoming: IncomingRequest,
  checks: { statsig: boolean },
): Promise<{ account: ResolvedAccount } | { response: Response }> {
  const fault = state.faults.take((candidate) => faultApplies(candidate, 'request', incoming.token, incoming.path));
  if (fault?.kind === 'slow_first_byte') {
    const gone = AbortSignal.any([incoming.request.signal, state.shutdown.signal]);
    await abortableSleep(fault.delayMs ?? DEFAULT_SLOW_FIRST_BYTE_MS, gone);
    // A client that gave up while we waited must not still cost a turn of quota.
    if (gone.aborted) return { response: new Response(null, { status: 499 }) };
  } else if (fault) {
    return { response: requestFaultResponse(fault) };
  }
  if (cloudflareBlocks(state, incoming)) return { response: cloudflareChallenge() };
  if (checks.statsig && state.options.requireStatsig && !statsigPresent(state, incoming)) {
    return { response: antiBotRejected() };
  }
  const result = authenticate(state, incoming.token);
  if (result.kind === 'unauthenticated') return { response: unauthenticated() };
  if (result.kind === 'blocked') return { response: blockedUser() };
  return { account: result.account };
}

function statsigPresent(state: SimulatorState, incoming: IncomingRequest): boolean {
  return statsigAccepted(incoming.request.headers.get('x-statsig-id'), state.options.strictStatsig);
}
