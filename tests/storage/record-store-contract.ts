import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import type { Storage } from '../../src/storage/types';

/** Behaviour every driver's RecordStore must have; each driver's test file runs it. */
export function runRecordStoreContract(makeStorage: () => Promise<Storage>): void {
  let storage: Storage;
  beforeEach(async () => {
    storage = await makeStorage();
  });
  afterEach(async () => {
    await storage.close();
  });

  describe('records', () => {
    test('put, get, replace and delete a JSON value', async () => {
      const records = storage.records;
      expect(await records.get('responses', 'missing')).toBeNull();
      await records.put('responses', 'resp_1', { text: '你好 👋', nested: { n: 1, list: [true, null] } });
      expect(await records.get('responses', 'resp_1')).toEqual({
        text: '你好 👋',
        nested: { n: 1, list: [true, null] },
      });
      await records.put('responses', 'resp_1', { text: 'replaced' });
      expect(await records.get<{ text: string }>('responses', 'resp_1')).toEqual({ text: 'replaced' });
      expect(await records.get('jobs', 'resp_1')).toBeNull();
      expect(await records.delete('responses', 'resp_1')).toBe(true);
      expect(await records.delete('responses', 'resp_1')).toBe(false);
      expect(await records.get('responses', 'resp_1')).toBeNull();
    });

    test('putMany, where a driver has it, stores each item as put would', async () => {
      const putMany = storage.records.putMany?.bind(storage.records);
      if (!putMany) return;
      await storage.records.put('usage', 'b', { v: 'old' });
      await putMany('usage', [
        { id: 'a', value: { v: 1 } },
        { id: 'b', value: { v: 2 } },
        { id: 'gone', value: { v: 3 }, expiresAt: Date.now() - 1 },
      ]);
      const listed = await storage.records.list<{ v: number }>('usage');
      expect(listed).toEqual([
        { id: 'a', value: { v: 1 } },
        { id: 'b', value: { v: 2 } },
      ]);
    });

    test('list pages in id order within one collection', async () => {
      for (const id of ['c', 'a', 'e', 'b', 'd']) await storage.records.put('jobs', id, { id });
      await storage.records.put('other', 'a0', { id: 'a0' });
      const first = await storage.records.list<{ id: string }>('jobs', { limit: 2 });
      expect(first.map((record) => record.id)).toEqual(['a', 'b']);
      const rest = await storage.records.list<{ id: string }>('jobs', { after: 'b', limit: 10 });
      expect(rest.map((record) => record.value.id)).toEqual(['c', 'd', 'e']);
    });

    test('an expired record is invisible', async () => {
      await storage.records.put('sessions', 'old', { v: 1 }, { expiresAt: Date.now() - 1 });
      await storage.records.put('sessions', 'new', { v: 2 }, { expiresAt: Date.now() + 60_000 });
      expect(await storage.records.get('sessions', 'old')).toBeNull();
      expect((await storage.records.list('sessions')).map((record) => record.id)).toEqual(['new']);
    });
  });
}
