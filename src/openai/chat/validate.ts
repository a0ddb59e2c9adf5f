import { invalidRequest } from '../../http/errors';
import type { ChatCompletionRequest } from './request-schema';
import { validateMessages } from './validate-messages';
import { validateTools } from '../../conversation/tools/validate-tools';

/**
 * Semantic checks of a chat request that already passed the schema. Throws the first problem as
 * a 400 `ApiError` naming the field (`messages.2.content.0.type`) and a specific code. The model
 * id is checked by the route against the catalog, not here.
 */

export const REASONING_EFFORTS = ['high', 'low', 'medium', 'minimal', 'none', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const checkRange = (value: number | undefined, field: string, maximum: number): void => {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || value > maximum) {
    throw invalidRequest(`${field} must be between 0 and ${maximum}`, field, `invalid_${field}`);
  }
};

const checkReasoningEffort = (value: string | undefined): void => {
  if (value === undefined) return;
  if (!(REASONING_EFFORTS as readonly string[]).includes(value)) {
    const list = `[${REASONING_EFFORTS.map((effort) => `'${effort}'`).join(', ')}]`;
    throw invalidRequest(`reasoning_effort must be one of ${list}`, 'reasoning_effort', 'invalid_reasoning_effort');
  }
};

export const validateChatRequest = (body: ChatCompletionRequest): void => {
  validateMessages(body.messages);
  checkReasoningEffort(body.reasoning_effort);
  checkRange(body.temperature, 'temperature', 2);
  checkRange(body.top_p, 'top_p', 1);
  validateTools(body);
};
