/**
 * What each bridge checks before it forwards or probes: enough to tell the page exactly which
 * field is wrong (OpenAI-shaped, with `param`), not a copy of the backend's full validation.
 */
import type { BridgeName } from './edge-config';

export class BridgeInputError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Chat and video are chat completions; video is told apart by its model id. */
export function bridgeForChatBody(body: Record<string, unknown>): BridgeName {
  return typeof body.model === 'string' && body.model.includes('-video') ? 'video' : 'chat';
}

export function parseBridgeBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BridgeInputError('The request body is not valid JSON.', null);
  }
  if (!isRecord(body)) throw new BridgeInputError('The request body must be a JSON object.', null);
  return body;
}

export function validateBridgeBody(name: BridgeName, body: Record<string, unknown>): void {
  if (typeof body.model !== 'string' || body.model.trim() === '')
    throw new BridgeInputError('model is required.', 'model');
  if (name === 'imagine') {
    if (typeof body.prompt !== 'string' || body.prompt.trim() === '')
      throw new BridgeInputError('prompt is required.', 'prompt');
    if (body.n !== undefined && (!Number.isInteger(body.n) || (body.n as number) < 1 || (body.n as number) > 10))
      throw new BridgeInputError('n must be an integer from 1 to 10.', 'n');
    return;
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw new BridgeInputError('messages must be a non-empty array.', 'messages');
  body.messages.forEach((message, index) => {
    if (!isRecord(message) || typeof message.role !== 'string')
      throw new BridgeInputError('Each message needs a role.', `messages[${index}].role`);
    if (typeof message.content !== 'string' && !Array.isArray(message.content))
      throw new BridgeInputError('Each message needs content (text or parts).', `messages[${index}].content`);
  });
}
