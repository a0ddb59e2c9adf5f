import type { Mode } from './types';

/** What the simulator needs from a conversations/new body (§7.2). */
export interface ChatTurn {
  message: string;
  mode: Mode;
  thinking: boolean;
  temporary: boolean;
}

/** `modeId` values (also the per-mode `modelName` of rate-limits) and the window each bills. */
export const MODE_IDS: Readonly<Record<string, Mode>> = {
  auto: 'auto',
  fast: 'fast',
  expert: 'expert',
  heavy: 'heavy',
  // "Grok 4.3 beta" (§9.4) bills and reasons like expert.
  'grok-420-computer-use-sa': 'expert',
};

const LEGACY_MODES: Record<string, Mode> = {
  MODEL_MODE_FAST: 'fast',
  MODEL_MODE_EXPERT: 'expert',
  MODEL_MODE_HEAVY: 'heavy',
};

export function parseChatTurn(body: unknown): { ok: true; turn: ChatTurn } | { ok: false; problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: 'body must be a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.message !== 'string' || fields.message.trim() === '') {
    return { ok: false, problem: 'message must be a non-empty string' };
  }
  const temporary = typeof fields.temporary === 'boolean' ? fields.temporary : true;
  const base = { message: fields.message, temporary };

  if (fields.modeId !== undefined) {
    const mode = typeof fields.modeId === 'string' ? MODE_IDS[fields.modeId] : undefined;
    if (!mode) return { ok: false, problem: `unknown modeId ${JSON.stringify(fields.modeId)}` };
    return { ok: true, turn: { ...base, mode, thinking: mode === 'expert' || mode === 'heavy' } };
  }

  if (typeof fields.modelName !== 'string' || fields.modelName === '' || !('modelMode' in fields)) {
    return { ok: false, problem: 'either modeId or modelName with modelMode is required' };
  }
  if (fields.modelMode !== null && typeof fields.modelMode !== 'string') {
    return { ok: false, problem: 'modelMode must be a string' };
  }
  const modelMode = fields.modelMode ?? '';
  const mode = LEGACY_MODES[modelMode] ?? 'auto';
  // Legacy thinking variants (e.g. MODEL_MODE_GROK_4_THINKING) reason without changing bucket.
  const thinking = /THINKING|EXPERT|HEAVY/.test(modelMode);
  return { ok: true, turn: { ...base, mode, thinking } };
}
