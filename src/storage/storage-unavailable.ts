/**
 * The one error a storage outage becomes, whichever driver saw it: the store did not answer within
 * its deadline, or the connection to it failed. The HTTP layer answers it with
 * `503 storage_unavailable` and a Retry-After (src/http/error-handler.ts); anything else a driver
 * throws (a constraint, a bug) stays what it is.
 */
export class StorageUnavailableError extends Error {
  /** What the caller may tell clients: try again after this many seconds. */
  readonly retryAfterSeconds = 5;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** Socket, postgres.js and mysql2 codes that mean the server is unreachable, not that the query was wrong. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  // PostgreSQL: shutting down, crashed, starting up, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** ioredis has no codes for these: a closed or not yet reconnected connection, a command past commandTimeout. */
const REDIS_CONNECTION_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  'Reached the max retries per request',
];

export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const { code, fatal } = error as { code?: unknown; fatal?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (fatal === true) return true; // mysql2 marks errors that end the connection
  if (REDIS_CONNECTION_MESSAGES.some((text) => error.message.startsWith(text))) return true;
  return error.cause !== undefined && error.cause !== error && isConnectionFailure(error.cause);
}

/**
 * `work`, or a StorageUnavailableError once `deadlineMs` passes or the connection fails. The late
 * answer of a call that missed its deadline is dropped (a write it made may still land).
 */
export function withDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const late = () => new StorageUnavailableError(`Storage did not answer ${what} within ${deadlineMs} ms.`);
    const timer = setTimeout(() => reject(late()), deadlineMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(isConnectionFailure(error) ? unavailable(error, what) : error);
      },
    );
  });
}

function unavailable(error: unknown, what: string): StorageUnavailableError {
  if (error instanceof StorageUnavailableError) return error;
  return new StorageUnavailableError(`Storage is unreachable (${what}).`, { cause: error });
}
