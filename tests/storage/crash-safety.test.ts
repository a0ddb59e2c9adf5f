import { Database } from 'bun:sqlite';
import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';

const root = mkdtempSync(join(tmpdir(), 'grok2api-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a process killed mid-write loses no committed token and leaves a sound database', async () => {
  const path = join(root, 'grok2api.db');
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'fixtures', 'crash-writer.ts'), path], {
    stdout: 'pipe',
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let output = '';
  while (output.split('\n').length < 200) {
    const { value, done } = await reader.read();
    if (done) break;
    output += decoder.decode(value);
  }
  child.kill('SIGKILL');
  await child.exited;
  output += decoder.decode();
  const committed = output.split('\n').filter((line) => line.startsWith('crash-'));
  expect(committed.length).toBeGreaterThanOrEqual(100);

  const check = new Database(path);
  expect(check.query<{ integrity_check: string }, []>('PRAGMA integrity_check').get()!.integrity_check).toBe('ok');
  check.close();
  const storage = openSqliteStorage({ path });
  for (const token of committed)
    expect(await storage.accounts.get(token)).toMatchObject({ token, quota: 79, useCount: 1 });
  await storage.close();
});
