import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse } from './canned-responses';
import { MODE_IDS } from './chat-request';
import { parseJsonObjectBody, type IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';

/**
 * POST /rest/rate-limits (§14.1). `{"modelName":"<mode>"}` asks about one mode's window; the
 * legacy `{"requestKind":"DEFAULT","modelName":"grok-4-1-thinking-1129"}` (any model name
 * that is not a mode) is answered with the fast window, the one P1 treated as the account's.
 */
export function handleRateLimits(state: SimulatorState, incoming: IncomingRequest, account: ResolvedAccount): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields) return invalidArgument('body must be a JSON object');
  const modelName = typeof fields.modelName === 'string' ? fields.modelName : '';
  const mode = MODE_IDS[modelName] ?? (modelName !== '' || fields.requestKind !== undefined ? 'fast' : undefined);
  if (!mode) return invalidArgument('modelName is required');
  const window = state.accounts.window(account, mode);
  return jsonResponse(200, {
    windowSizeSeconds: window.quota.windowSeconds,
    remainingQueries: window.remaining,
    totalQueries: window.quota.total,
    lowEffortRateLimits: null,
    highEffortRateLimits: null,
  });
}
