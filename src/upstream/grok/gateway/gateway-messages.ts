/**
 * Client → server events of the model gateway (docs/upstream-protocol.md §8.2).
 * Ids are injected so tests can pin them.
 */

export type GatewayMode = 'fast' | 'auto' | 'expert' | 'heavy';

export interface GatewayTurn {
  mode: GatewayMode;
  /** The whole flattened prompt: one text chunk. */
  message: string;
  /** Attachment ids from an upload (§11.2). */
  fileIds: string[];
}

export interface MessageIds {
  /** e.g. `evt_init_<uuid>`. */
  initEventId: string;
  /** Unix milliseconds for `evt_msg_<ms>` / `evt_resp_<ms>`. */
  nowMs: number;
  clientMessageId: string;
}

export interface GatewaySessionOptions {
  temporary: boolean;
  disableMemory: boolean;
}

export function sessionCreate(turn: GatewayTurn, ids: MessageIds, options: GatewaySessionOptions) {
  return {
    event: {
      type: 'session.create',
      event_id: ids.initEventId,
      session: {
        model: turn.mode,
        x_grok: {
          protocol_capabilities: ['conversation_attached', 'custom_methods_v1'],
          use_chunk: true,
          enable_side_by_side: true,
          force_side_by_side: false,
          enable_image_generation: true,
          image_generation_count: 2,
          disable_text_follow_ups: false,
          disable_artifact: true,
          force_concise: false,
          keep_context: false,
          is_temporary: options.temporary,
          disable_memory: options.disableMemory,
        },
      },
    },
  };
}

export function conversationItemCreate(sessionId: string, turn: GatewayTurn, ids: MessageIds) {
  const inputChunks: unknown[] = turn.fileIds.map((fileId) => ({
    mention: { target: { file_mention: { file_id: fileId } } },
  }));
  inputChunks.push({ text: { text: turn.message } });
  const item: Record<string, unknown> = {
    type: 'message',
    role: 'user',
    x_grok: { client_message_id: ids.clientMessageId, input_chunks: inputChunks },
  };
  const event: Record<string, unknown> = { type: 'conversation.item.create', event_id: `evt_msg_${ids.nowMs}`, item };
  // Both places, and only with attachments (§8.2).
  if (turn.fileIds.length > 0) {
    item.file_attachment_ids = [...turn.fileIds];
    event.file_attachment_ids = [...turn.fileIds];
  }
  return { session_id: sessionId, event };
}

export function responseCreate(sessionId: string, nowMs: number) {
  return { session_id: sessionId, event: { type: 'response.create', event_id: `evt_resp_${nowMs}` } };
}

export function ping(nowMs: number) {
  return { event: { type: 'ping', event_id: `evt_hb_${nowMs}` } };
}
