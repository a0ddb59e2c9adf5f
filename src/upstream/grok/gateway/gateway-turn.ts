import { Type } from '@sinclair/typebox';
import { pick } from '../frames';
import type { GatewayMode, GatewayTurn } from './gateway-messages';

/**
 * The gateway turn for a chat payload built for `conversations/new`. The chat pipeline builds one
 * payload whatever the transport; the gateway needs only its prompt, mode and attachments.
 */

const Payload = Type.Object({
  message: Type.String(),
  modeId: Type.Optional(Type.String()),
  modelMode: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  fileAttachments: Type.Optional(Type.Array(Type.String())),
});

const MODES: Record<string, GatewayMode> = { fast: 'fast', auto: 'auto', expert: 'expert', heavy: 'heavy' };
const LEGACY_MODES: Record<string, GatewayMode> = {
  MODEL_MODE_FAST: 'fast',
  MODEL_MODE_EXPERT: 'expert',
  MODEL_MODE_HEAVY: 'heavy',
};

/** Undefined when the payload has no prompt (it was not built by buildChatPayload). */
export function gatewayTurnFromPayload(payload: Record<string, unknown>): GatewayTurn | undefined {
  const fields = pick(Payload, payload);
  if (!fields) return undefined;
  // §9.1: mode ids without a gateway name (e.g. the 4.3 beta) and legacy models run as `auto`.
  const mode = (fields.modeId ? MODES[fields.modeId] : LEGACY_MODES[fields.modelMode ?? '']) ?? 'auto';
  return { mode, message: fields.message, fileIds: fields.fileAttachments ?? [] };
}
