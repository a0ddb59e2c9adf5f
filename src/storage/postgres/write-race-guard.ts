/**
 * postgres.js 3.4 can throw from a setImmediate callback when a connection closes while a small
 * write is still queued (its `nextWrite` writes to the socket it has just set to null; upstream
 * issues porsager/postgres#1066, #1154 and #1208, fixed in its 4.x rewrite). Thrown there, no
 * caller can catch it, and it ends the process: a database restart would take the gateway down
 * with it. The guard recognises exactly that error and keeps the process; every other uncaught
 * exception still ends it. The client that threw cannot be trusted afterwards (its connection
 * keeps the unsent bytes and may answer the wrong query), so each open PostgreSQL storage is told
 * (`whenPostgresWriteRace`) and replaces its clients.
 */

const renewers = new Set<() => void>();
let renewing = false;

/** Calls `renew` after a survived race (at most once a second); returns the unsubscribe function. */
export function whenPostgresWriteRace(renew: () => void): () => void {
  renewers.add(renew);
  return () => renewers.delete(renew);
}

function renewAll(): void {
  if (renewing) return;
  renewing = true;
  // The races of one closing connection arrive together: renew once, after they are all thrown.
  setTimeout(() => {
    renewing = false;
    for (const renew of renewers) renew();
  }, 0);
  setTimeout(() => (renewing = false), 1_000).unref?.();
}

export function isPostgresWriteRace(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const writeOnNull = /evaluating '\w+\.write'|reading 'write'/.test(error.message);
  return writeOnNull && /nextWrite/.test(error.stack ?? '');
}

/** Installed once by the serving process; `onSurvived` is told each time it kept the process. */
export function survivePostgresWriteRace(onSurvived: (error: Error) => void): void {
  process.on('uncaughtException', (error) => {
    if (isPostgresWriteRace(error)) {
      renewAll();
      return onSurvived(error);
    }
    // What the runtime does without a handler: report it and exit.
    console.error(error);
    process.exit(1);
  });
}
