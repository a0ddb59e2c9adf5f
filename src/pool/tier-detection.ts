import { BASIC_POOL, SUPER_POOL } from '../storage/types';

/**
 * P1 tier detection (../shared/spec/grok-web-protocol.md §14.2): a quota window shorter than 4 h
 * is a Super subscription, 4 h or longer is Basic. Only the two standard pools move; an account
 * an operator put in a custom pool stays there.
 */
export const SUPER_WINDOW_LIMIT_SECONDS = 14_400;

export function poolForWindow(currentPool: string, windowSeconds: number | null): string {
  if (windowSeconds === null || (currentPool !== BASIC_POOL && currentPool !== SUPER_POOL)) return currentPool;
  return windowSeconds >= SUPER_WINDOW_LIMIT_SECONDS ? BASIC_POOL : SUPER_POOL;
}
