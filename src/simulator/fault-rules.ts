import type { Fault, FaultKind } from './types';

// Faults that replace or delay the whole HTTP answer are decided before authentication, like
// an edge failure would be; faults that shape a generation only make sense once a chat turn
// has been accepted, so they wait for one and are not used up by requests that never stream.
const STREAM_KINDS: ReadonlySet<FaultKind> = new Set([
  'inband_error',
  'usage_limit',
  'stream_errors',
  'stall',
  'cut',
  'moderated',
  'close',
  'malformed',
  'textless',
  'no_media',
  'completed_first',
  'foreign_asset',
]);

export const FAULT_KINDS: readonly FaultKind[] = [
  'unauthorized',
  'cloudflare',
  'blocked',
  'anti_bot',
  'rate_limited',
  'server_error',
  'status',
  'inband_error',
  'usage_limit',
  'stream_errors',
  'slow_first_byte',
  'stall',
  'cut',
  'moderated',
  'close',
  'malformed',
  'textless',
  'no_media',
  'completed_first',
  'download_failure',
  'foreign_asset',
];

/** `download`: faults that wait for a download of generated media (§11.6), untouched by other calls. */
export type FaultStage = 'request' | 'stream' | 'download';

export function faultStage(kind: FaultKind): FaultStage {
  if (kind === 'download_failure') return 'download';
  return STREAM_KINDS.has(kind) ? 'stream' : 'request';
}

/** A match path applies to that exact path and to everything below it. */
export function faultApplies(fault: Fault, stage: FaultStage, token: string | undefined, path: string): boolean {
  if (faultStage(fault.kind) !== stage) return false;
  const match = fault.match;
  if (match?.token !== undefined && match.token !== token) return false;
  if (match?.path !== undefined) {
    const prefix = match.path.endsWith('/') ? match.path : `${match.path}/`;
    if (path !== match.path && !path.startsWith(prefix)) return false;
  }
  return true;
}
