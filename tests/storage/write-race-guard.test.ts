import { expect, test } from 'bun:test';
import { isPostgresWriteRace } from '../../src/storage/postgres/write-race-guard';

/**
 * The guard keeps the process only for postgres.js's write on a closed connection (see
 * src/storage/postgres/write-race-guard.ts); the outage test meets the real one now and then, so
 * the recognition itself is checked here with the same shape of error.
 */

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

test('recognises a write on a null socket thrown from nextWrite, and nothing else', () => {
  const socket = null as { write(chunk: string): void } | null;
  function nextWrite() {
    socket!.write('x');
  }
  function somethingElse() {
    socket!.write('x');
  }
  expect(isPostgresWriteRace(thrown(nextWrite))).toBe(true);
  expect(isPostgresWriteRace(thrown(somethingElse))).toBe(false);
  expect(isPostgresWriteRace(thrown(() => (null as unknown as { end(): void }).end()))).toBe(false);
  expect(isPostgresWriteRace(new Error("null is not an object (evaluating 'socket.write')"))).toBe(false);
});
