import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { ResponseStore, type StoredResponse } from '../../src/openai/responses/response-store';
import type { Storage } from '../../src/storage/types';

/**
 * The stored-response item index (`item_reference` resolves items by their own id) on every
 * driver: it lives in the RecordStore, so each driver's test file runs this contract too.
 */

const stored = (id: string, itemIds: string[], inputIds: string[]): StoredResponse =>
  ({
    response: {
      id,
      output: itemIds.map((itemId) => ({
        id: itemId,
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [],
      })),
    },
    conversation: [{ role: 'user', content: 'hi' }],
    inputItems: inputIds.map((itemId) => ({
      id: itemId,
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: itemId }],
    })),
    indexedInputIds: inputIds.filter((itemId) => !itemId.startsWith('client_')),
  }) as unknown as StoredResponse;

export function runResponseItemIndexContract(makeStorage: () => Promise<Storage>): void {
  let storage: Storage;
  beforeEach(async () => {
    storage = await makeStorage();
  });
  afterEach(async () => {
    await storage.close();
  });

  describe('response item index', () => {
    test('input and output items are found by item id across responses', async () => {
      const store = new ResponseStore(storage.records);
      await store.save(stored('resp_a', ['msg_out_a', 'fc_out_a'], ['msg_in_a']));
      await store.save(stored('resp_b', ['msg_out_b'], ['msg_in_b']));
      expect((await store.item('fc_out_a'))?.id).toBe('fc_out_a');
      expect(await store.item('msg_in_b')).toMatchObject({
        type: 'message',
        role: 'user',
        content: [{ text: 'msg_in_b' }],
      });
      expect(await store.item('msg_missing')).toBeNull();
      expect((await store.get('resp_a'))?.inputItems?.map((item) => item.id)).toEqual(['msg_in_a']);
    });

    test('deleting a response removes its items from the index, and only its own', async () => {
      const store = new ResponseStore(storage.records);
      await store.save(stored('resp_a', ['msg_out_a'], ['msg_in_a']));
      await store.save(stored('resp_b', ['msg_out_b'], []));
      expect(await store.delete('resp_a')).toBe(true);
      expect(await store.item('msg_out_a')).toBeNull();
      expect(await store.item('msg_in_a')).toBeNull();
      expect((await store.item('msg_out_b'))?.id).toBe('msg_out_b');
      expect(await store.delete('resp_a')).toBe(false);
    });

    test('input items the client sent with its own id are listed but not indexed under this response', async () => {
      const store = new ResponseStore(storage.records);
      await store.save(stored('resp_a', ['msg_out_a'], []));
      await store.save(stored('resp_b', ['msg_out_b'], ['client_copy', 'msg_in_b']));
      expect(await store.item('client_copy')).toBeNull();
      expect((await store.item('msg_in_b'))?.id).toBe('msg_in_b');
      expect((await store.get('resp_b'))?.inputItems?.map((item) => item.id)).toEqual(['client_copy', 'msg_in_b']);
    });

    test('items expire with their response', async () => {
      let now = Date.now();
      const store = new ResponseStore(storage.records, () => now);
      await store.save(stored('resp_old', ['msg_old'], []));
      now -= 31 * 24 * 3600 * 1000;
      await new ResponseStore(storage.records, () => now).save(stored('resp_older', ['msg_older'], []));
      expect((await store.item('msg_old'))?.id).toBe('msg_old');
      expect(await store.item('msg_older')).toBeNull();
      expect(await store.get('resp_older')).toBeNull();
    });
  });
}
