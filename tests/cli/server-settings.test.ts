import { expect, test } from 'bun:test';
import { serverSettings } from '../../src/cli/server-settings';

/** SERVER_WORKERS: a number, or auto (the default) = one process per core where they can share. */

test('auto, the default, starts one process per core', () => {
  expect(serverSettings({}, 4).workers).toBe(4);
  expect(serverSettings({ SERVER_WORKERS: 'auto' }, 2).workers).toBe(2);
  expect(serverSettings({ SERVER_WORKERS: ' AUTO ' }, 2).workers).toBe(2);
  expect(serverSettings({}, 1).workers).toBe(1);
});

test('auto stays at one process where processes could not share the port or the store', () => {
  expect(serverSettings({ SERVER_PORT: '0' }, 4).workers).toBe(1);
  expect(serverSettings({ SERVER_STORAGE_URL: ':memory:' }, 4).workers).toBe(1);
  expect(serverSettings({ SERVER_STORAGE_TYPE: 'sqlite', SERVER_STORAGE_URL: 'sqlite::memory:' }, 4).workers).toBe(1);
  // A shared file or a server store is shared by every process.
  expect(serverSettings({ SERVER_STORAGE_URL: '/var/lib/grok2api.db' }, 4).workers).toBe(4);
  expect(
    serverSettings({ SERVER_STORAGE_TYPE: 'redis', SERVER_STORAGE_URL: 'redis://127.0.0.1:6379/0' }, 4).workers,
  ).toBe(4);
});

test('a number is taken as given; anything else is refused', () => {
  expect(serverSettings({ SERVER_WORKERS: '3' }, 2).workers).toBe(3);
  expect(serverSettings({ SERVER_WORKERS: '2', SERVER_PORT: '0' }, 8).workers).toBe(2);
  expect(() => serverSettings({ SERVER_WORKERS: '0' })).toThrow('SERVER_WORKERS must be a positive integer or auto');
  expect(() => serverSettings({ SERVER_WORKERS: 'many' })).toThrow('SERVER_WORKERS must be a positive integer or auto');
});
