import type { RecordStore } from '../../storage/types';
import type { ChatMessage, HistoryToolCall } from '../chat/request-schema';
import type { ResponseObject } from './response-object';
import { LOCAL_SHELL_NAME, namespacedName } from './offered-tools';
import type { OutputItem } from './response-output';

/**
 * Stored responses (`store`, the default): the response object for `GET /v1/responses/{id}`, the
 * input items for `GET /v1/responses/{id}/input_items`, and the conversation so far in the core's
 * chat form, so `previous_response_id` continues it without the client resending history.
 *
 * Every input and output item is also indexed under its own id (one record each, in a second
 * collection of the same RecordStore, so every storage driver has the index), because clients
 * such as the AI SDK send earlier items back as `item_reference`s by item id alone.
 */

export const RESPONSES_COLLECTION = 'responses';
export const RESPONSE_ITEMS_COLLECTION = 'response_items';
/** OpenAI keeps stored responses for 30 days. */
const RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface StoredResponse {
  response: ResponseObject;
  /** Input and output of this turn and every earlier one (instructions excluded: they do not carry over). */
  conversation: ChatMessage[];
  /** This request's input as OpenAI lists it (ids assigned, references resolved); absent in older records. */
  inputItems?: StoredItem[];
  /**
   * The input items this response owns in the item index: those the gateway gave an id. Items
   * the client sent with an id (often copies of an earlier response's output) stay indexed under
   * the response that made them, so deleting this one cannot unindex them.
   */
  indexedInputIds?: string[];
}

/** An input or output item with its id, as listed and as an `item_reference` resolves it. */
export type StoredItem = { id: string; type: string } & Record<string, unknown>;

interface IndexedItem {
  responseId: string;
  item: StoredItem;
}

/** A call item as the model saw it: the offered (flat) name and JSON arguments. */
const historyCall = (item: OutputItem): HistoryToolCall | null => {
  const call = (id: string, name: string, args: string) => ({
    id,
    type: 'function',
    function: { name, arguments: args },
  });
  const flatName = (name: string, namespace?: string) => (namespace ? namespacedName(namespace, name) : name);
  switch (item.type) {
    case 'function_call':
      return call(item.call_id, flatName(item.name, item.namespace), item.arguments);
    case 'custom_tool_call':
      return call(item.call_id, flatName(item.name, item.namespace), JSON.stringify({ input: item.input }));
    case 'local_shell_call': {
      const { type: _exec, ...action } = item.action;
      return call(item.call_id, LOCAL_SHELL_NAME, JSON.stringify(action));
    }
    default:
      return null;
  }
};

/** The assistant turn of an answer, as the next request's history. */
export const assistantTurn = (output: OutputItem[]): ChatMessage => {
  const text = output
    .flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : []))
    .join('');
  const calls = output.flatMap((item) => {
    const call = historyCall(item);
    return call ? [call] : [];
  });
  return calls.length > 0
    ? { role: 'assistant', content: text || null, tool_calls: calls }
    : { role: 'assistant', content: text };
};

/** The items a stored response indexes: its output, and the input items it gave ids to. */
const ownedItems = (stored: StoredResponse): StoredItem[] => {
  const own = new Set(stored.indexedInputIds ?? []);
  return [...(stored.inputItems ?? []).filter((item) => own.has(item.id)), ...(stored.response.output as StoredItem[])];
};

export class ResponseStore {
  constructor(
    private readonly records: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  async save(stored: StoredResponse): Promise<void> {
    const expiresAt = this.now() + RETENTION_MS;
    const responseId = stored.response.id;
    const items = ownedItems(stored);
    // Items first: a response that is visible always has its items findable.
    await Promise.all(
      items.map((item) => {
        const indexed: IndexedItem = { responseId, item };
        return this.records.put(RESPONSE_ITEMS_COLLECTION, item.id, indexed, { expiresAt });
      }),
    );
    await this.records.put(RESPONSES_COLLECTION, responseId, stored, { expiresAt });
  }

  get(id: string): Promise<StoredResponse | null> {
    return this.records.get<StoredResponse>(RESPONSES_COLLECTION, id);
  }

  /** An input or output item of any stored response, by its item id. */
  async item(id: string): Promise<StoredItem | null> {
    const indexed = await this.records.get<IndexedItem>(RESPONSE_ITEMS_COLLECTION, id);
    return indexed?.item ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const stored = await this.get(id);
    if (!stored) return false;
    const items = ownedItems(stored);
    await Promise.all(items.map((item) => this.records.delete(RESPONSE_ITEMS_COLLECTION, item.id)));
    return this.records.delete(RESPONSES_COLLECTION, id);
  }
}
