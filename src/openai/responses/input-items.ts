import { randomBytes } from 'node:crypto';
import { invalidRequest } from '../../http/errors';
import type { InputItem, ResponsesRequest } from './request-schema';
import type { StoredItem } from './response-store';
import type { ReferencedItems } from './to-conversation';

/**
 * A request's input as OpenAI lists it under `GET /v1/responses/{id}/input_items`: every item
 * with an id (the client's, or a new one), a string input as one user message, message text as
 * content parts, and `item_reference`s replaced by the items they point at.
 */

const ID_PREFIXES: Record<string, string> = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  custom_tool_call: 'ctc',
  custom_tool_call_output: 'ctco',
  local_shell_call: 'lsh',
  local_shell_call_output: 'lsho',
  reasoning: 'rs',
};

const newItemId = (type: string) => `${ID_PREFIXES[type] ?? 'item'}_${randomBytes(12).toString('hex')}`;

const textPart = (role: string | undefined, text: string) => ({
  type: role === 'assistant' ? 'output_text' : 'input_text',
  text,
});

const listedItem = (item: InputItem, referenced: ReferencedItems, generated: string[]): StoredItem | null => {
  const type = item.type ?? (item.role ? 'message' : 'unknown');
  if (type === 'item_reference') return (referenced.get(item.id ?? '') as StoredItem | undefined) ?? null;
  const id = item.id ?? newItemId(type);
  if (!item.id) generated.push(id);
  const listed: StoredItem = { ...item, type, id };
  if (type === 'message') {
    listed.content = typeof item.content === 'string' ? [textPart(item.role, item.content)] : (item.content ?? []);
    listed.status ??= 'completed';
  }
  return listed;
};

/** The listed items, and the ids the gateway gave (the items this response owns in the item index). */
export function inputItemsOf(
  input: ResponsesRequest['input'],
  referenced: ReferencedItems,
): { inputItems: StoredItem[]; indexedInputIds: string[] } {
  if (input === undefined) return { inputItems: [], indexedInputIds: [] };
  if (typeof input === 'string') {
    const id = newItemId('message');
    const content = [textPart('user', input)];
    return { inputItems: [{ id, type: 'message', role: 'user', status: 'completed', content }], indexedInputIds: [id] };
  }
  const generated: string[] = [];
  const inputItems = input.map((item) => listedItem(item, referenced, generated)).filter((item) => item !== null);
  return { inputItems, indexedInputIds: generated };
}

export interface InputItemsQuery {
  limit?: string;
  order?: string;
  after?: string;
  before?: string;
}

/** OpenAI's list page: `desc` (newest first) by default, 20 items, `after`/`before` cursors by item id. */
export function inputItemsPage(items: StoredItem[], query: InputItemsQuery) {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidRequest('limit must be an integer between 1 and 100', 'limit', 'invalid_limit');
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw invalidRequest("order must be 'asc' or 'desc'", 'order', 'invalid_order');
  }
  let ordered = order === 'asc' ? items : [...items].reverse();
  for (const [field, keep] of [
    ['after', 'rest'],
    ['before', 'head'],
  ] as const) {
    const cursor = query[field];
    if (cursor === undefined) continue;
    const index = ordered.findIndex((item) => item.id === cursor);
    if (index === -1) {
      throw invalidRequest(`No input item with id '${cursor}' in this response.`, field, 'invalid_cursor');
    }
    ordered = keep === 'rest' ? ordered.slice(index + 1) : ordered.slice(0, index);
  }
  const data = ordered.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: ordered.length > limit,
  };
}
