import { Type } from '@sinclair/typebox';
import { pick } from './frames';

/**
 * `POST /rest/rate-limits` (docs/upstream-protocol.md §14.1): request body and the
 * tolerant reading of its answer, whose field names moved between releases.
 */

export const RATE_LIMITS_PATH = '/rest/rate-limits';
/** P1 asked once per account with this model and treated the answer as the overall quota. */
const DEFAULT_MODEL = 'grok-4-1-thinking-1129';

export interface RateLimits {
  remaining: number;
  total: number | null;
  windowSeconds: number | null;
}

export function rateLimitsBody(modelName?: string): Record<string, string> {
  return modelName === undefined ? { requestKind: 'DEFAULT', modelName: DEFAULT_MODEL } : { modelName };
}

const AnyObject = Type.Record(Type.String(), Type.Unknown());
const Count = Type.Number({ minimum: 0 });

function firstNumber(places: Record<string, unknown>[], keys: readonly string[]): number | undefined {
  for (const key of keys) {
    for (const place of places) {
      const value = pick(Count, place[key]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Undefined when the answer has no remaining count at all. */
export function parseRateLimits(value: unknown): RateLimits | undefined {
  const root = pick(AnyObject, value);
  if (!root) return undefined;
  const places = [root, pick(AnyObject, root.limits), pick(AnyObject, root.rateLimits)].filter(
    (place): place is Record<string, unknown> => place !== undefined,
  );
  const remaining = firstNumber(places, ['remainingTokens', 'remainingQueries']);
  if (remaining === undefined) return undefined;
  return {
    remaining,
    total: firstNumber(places, ['totalQueries']) ?? null,
    windowSeconds: firstNumber(places, ['windowSizeSeconds', 'window_size_seconds']) ?? null,
  };
}
