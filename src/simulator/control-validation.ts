import { FAULT_KINDS } from './fault-rules';
import { MODES, type Fault, type Script, type SimulatorAccount } from './types';

// The HTTP control API receives untyped JSON; these checks turn a bad payload into a 400
// that names the field instead of a simulator that misbehaves later.

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const TIERS = ['basic', 'super', 'heavy'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(
  fields: Record<string, unknown>,
  key: string,
  type: 'string' | 'number' | 'boolean',
): string | undefined {
  return fields[key] === undefined || typeof fields[key] === type ? undefined : `${key} must be a ${type}`;
}

function stringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function checkAccount(value: unknown): Checked<SimulatorAccount> {
  if (!isObject(value)) return { ok: false, problem: 'body must be a JSON object' };
  if (typeof value.token !== 'string' || value.token === '')
    return { ok: false, problem: 'token must be a non-empty string' };
  if (value.tier !== undefined && !TIERS.includes(value.tier as string))
    return { ok: false, problem: 'tier must be basic, super or heavy' };
  for (const [key, type] of [
    ['userId', 'string'],
    ['email', 'string'],
    ['blocked', 'boolean'],
    ['expired', 'boolean'],
  ] as const) {
    const problem = optional(value, key, type);
    if (problem) return { ok: false, problem };
  }
  if (value.quotas !== undefined) {
    if (!isObject(value.quotas)) return { ok: false, problem: 'quotas must be an object' };
    for (const [mode, window] of Object.entries(value.quotas)) {
      if (!MODES.includes(mode as never)) return { ok: false, problem: `quotas.${mode} is not a mode` };
      if (!isObject(window) || typeof window.total !== 'number' || typeof window.windowSeconds !== 'number') {
        return { ok: false, problem: `quotas.${mode} must be {total, windowSeconds}` };
      }
    }
  }
  return { ok: true, value: value as unknown as SimulatorAccount };
}

export function checkFault(value: unknown): Checked<Fault> {
  if (!isObject(value)) return { ok: false, problem: 'body must be a JSON object' };
  if (!FAULT_KINDS.includes(value.kind as never))
    return { ok: false, problem: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  for (const key of ['times', 'status', 'delayMs', 'afterFrames', 'code', 'retryAfterSeconds', 'closeCode'] as const) {
    const problem = optional(value, key, 'number');
    if (problem) return { ok: false, problem };
  }
  for (const key of ['body', 'message', 'assetOrigin'] as const) {
    const problem = optional(value, key, 'string');
    if (problem) return { ok: false, problem };
  }
  const withoutText = optional(value, 'withoutText', 'boolean');
  if (withoutText) return { ok: false, problem: withoutText };
  const match = checkMatch(value.match, true);
  if (match) return { ok: false, problem: match };
  return { ok: true, value: value as unknown as Fault };
}

export function checkScript(value: unknown): Checked<Script> {
  if (!isObject(value)) return { ok: false, problem: 'body must be a JSON object' };
  for (const key of ['answer', 'thinking'] as const) {
    const problem = optional(value, key, 'string');
    if (problem) return { ok: false, problem };
  }
  for (const key of ['answerTokens', 'thinkingTokens'] as const) {
    if (value[key] !== undefined && !stringArray(value[key]))
      return { ok: false, problem: `${key} must be an array of strings` };
  }
  const times = optional(value, 'times', 'number');
  if (times) return { ok: false, problem: times };
  const match = checkMatch(value.match, false);
  if (match) return { ok: false, problem: match };
  return { ok: true, value: value as unknown as Script };
}

function checkMatch(match: unknown, allowPath: boolean): string | undefined {
  if (match === undefined) return undefined;
  if (!isObject(match)) return 'match must be an object';
  if (match.token !== undefined && typeof match.token !== 'string') return 'match.token must be a string';
  if (allowPath && match.path !== undefined && typeof match.path !== 'string') return 'match.path must be a string';
  return undefined;
}
