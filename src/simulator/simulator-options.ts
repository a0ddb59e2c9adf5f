import type { SimulatorOptions, VideoProtocols } from './types';

/** Options after defaults; the listening address is fixed at start and lives elsewhere. */
export interface EffectiveOptions {
  acceptUnknownTokens: boolean;
  requireStatsig: boolean;
  strictStatsig: boolean;
  requireCfClearance: string | null;
  exhaustedBehaviour: 'http429' | 'inband';
  framing: 'ndjson' | 'sse' | 'concatenated';
  chunkBytes: number | undefined;
  tokenDelayMs: number;
  log: boolean;
  videoProtocols: VideoProtocols;
}

export const DEFAULT_OPTIONS: EffectiveOptions = {
  acceptUnknownTokens: false,
  requireStatsig: true,
  strictStatsig: false,
  requireCfClearance: null,
  exhaustedBehaviour: 'http429',
  framing: 'ndjson',
  chunkBytes: undefined,
  tokenDelayMs: 0,
  log: false,
  videoProtocols: 'current',
};

const FRAMINGS = ['ndjson', 'sse', 'concatenated'];
const EXHAUSTED_BEHAVIOURS = ['http429', 'inband'];
const VIDEO_PROTOCOLS = ['both', 'current', 'legacy'];

/**
 * Applies the known keys of `patch` that carry a sensible value and reports the rest, so the
 * HTTP control API can answer 400 instead of storing nonsense. `port`, `hostname`, `accounts`
 * and `now` only matter at start and are ignored here.
 */
export function applyOptionsPatch(current: EffectiveOptions, patch: Partial<SimulatorOptions>): string[] {
  const problems: string[] = [];
  const flag = (key: 'acceptUnknownTokens' | 'requireStatsig' | 'strictStatsig' | 'log') => {
    const value = patch[key];
    if (value === undefined) return;
    if (typeof value === 'boolean') current[key] = value;
    else problems.push(`${key} must be a boolean`);
  };
  flag('acceptUnknownTokens');
  flag('requireStatsig');
  flag('strictStatsig');
  flag('log');
  if (patch.requireCfClearance !== undefined) {
    const value = patch.requireCfClearance;
    if (value === null || typeof value === 'string') current.requireCfClearance = value || null;
    else problems.push('requireCfClearance must be a string or null');
  }
  if (patch.exhaustedBehaviour !== undefined) {
    if (EXHAUSTED_BEHAVIOURS.includes(patch.exhaustedBehaviour)) current.exhaustedBehaviour = patch.exhaustedBehaviour;
    else problems.push('exhaustedBehaviour must be http429 or inband');
  }
  if (patch.framing !== undefined) {
    if (FRAMINGS.includes(patch.framing)) current.framing = patch.framing;
    else problems.push('framing must be ndjson, sse or concatenated');
  }
  if ('chunkBytes' in patch) {
    const value: unknown = patch.chunkBytes;
    if (value === undefined || value === null || value === 0) current.chunkBytes = undefined;
    else if (typeof value === 'number' && Number.isInteger(value) && value > 0) current.chunkBytes = value;
    else problems.push('chunkBytes must be a positive integer');
  }
  if (patch.tokenDelayMs !== undefined) {
    const value = patch.tokenDelayMs;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) current.tokenDelayMs = value;
    else problems.push('tokenDelayMs must be a number >= 0');
  }
  if (patch.videoProtocols !== undefined) {
    if (VIDEO_PROTOCOLS.includes(patch.videoProtocols)) current.videoProtocols = patch.videoProtocols;
    else problems.push('videoProtocols must be both, current or legacy');
  }
  return problems;
}
