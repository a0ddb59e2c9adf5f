import type { RecordStore } from '../../storage/types';
import type { ChatMessage } from '../chat/request-schema';
import type { ResponseObject } from './response-object';
import type { OutputItem } from './response-output';

/**
 * Stored responses (`store`, the default): the response object for `GET /v1/responses/{id}`, and
 * the conversation so far in the core's chat form, so `previous_response_id` continues it without
 * the client resending history.
 */

export const RESPONSES_COLLECTION = 'responses';
/** OpenAI keeps stored responses for 30 days. */
const RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface StoredResponse {
  response: ResponseObject;
  /** Input and output of this turn and every earlier one (instructions excluded: they do not carry over). */
  conversation: ChatMessage[];
}

/** The assistant turn of an answer, as the next request's history. */
export const assistantTurn = (output: OutputItem[]): ChatMessage => {
  const text = output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : [])).join('');
  const calls = output.flatMap((item) =>
    item.type === 'function_call' ? [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }] : [],
  );
  return calls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text };
};

export class ResponseStore {
  constructor(
    private readonly records: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  save(stored: StoredResponse): Promise<void> {
    return this.records.put(RESPONSES_COLLECTION, stored.response.id, stored, { expiresAt: this.now() + RETENTION_MS });
  }

  get(id: string): Promise<StoredResponse | null> {
    return this.records.get<StoredResponse>(RESPONSES_COLLECTION, id);
  }

  delete(id: string): Promise<boolean> {
    return this.records.delete(RESPONSES_COLLECTION, id);
  }
}
