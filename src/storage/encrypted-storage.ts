import type { ClusterEvent, Coordinator } from './coordinator';
import { createTokenCipher, isEncrypted, SecretKeyError, type TokenCipher } from './token-cipher';
import type { Account, AccountStore, NewAccount, Storage } from './types';

/**
 * The one place every driver's account tokens are encrypted at rest (SQLite, Redis, PostgreSQL,
 * MySQL alike): a wrapper around the opened Storage that encrypts each token on the way in and
 * decrypts it on the way out, so the pool, admin API and exports keep seeing plain tokens.
 * Coordinator calls (request slots, change notices) carry the same encrypted form, so slot rows
 * and notices in the shared store hold no plain token either.
 *
 * Start-up (`applySecretKey`): a key-check record proves the configured key is the one the rows
 * were encrypted with; a wrong key, or encrypted rows with no key, stop the start with a clear
 * error instead of reading garbage. Plain rows left from before the key was set are migrated.
 */

const CHECK_COLLECTION = 'security';
const CHECK_ID = 'token-encryption-check';
const CHECK_TEXT = 'grok2api token encryption key check';

function encryptedAccountStore(inner: AccountStore, cipher: TokenCipher): AccountStore {
  const seal = (token: string) => cipher.encrypt(token);
  const open = (account: Account | null): Account | null =>
    account ? { ...account, token: cipher.decrypt(account.token) } : null;
  const openAll = (accounts: Account[]) =>
    accounts.map((account) => ({ ...account, token: cipher.decrypt(account.token) }));
  const sealNew = (account: NewAccount): NewAccount => ({ ...account, token: seal(account.token) });
  const openTokens = (tokens: string[]) => tokens.map((token) => cipher.decrypt(token));
  return {
    list: async (filter) => openAll(await inner.list(filter)),
    // The cursor is the inner store's own (an encrypted token): passed through as it is.
    ...(inner.listPage
      ? {
          listPage: async (cursor: string | null, limit: number) => {
            const page = await inner.listPage!(cursor, limit);
            return { accounts: openAll(page.accounts), next: page.next };
          },
        }
      : {}),
    get: async (token) => open(await inner.get(seal(token))),
    getMany: async (tokens) => openAll(await inner.getMany(tokens.map(seal))),
    count: () => inner.count(),
    insert: async (accounts) => {
      const result = await inner.insert(accounts.map(sealNew));
      return { added: openTokens(result.added), duplicates: openTokens(result.duplicates) };
    },
    importBatch: async (accounts) => {
      const result = await inner.importBatch(accounts.map(sealNew));
      return { added: openAll(result.added), merged: openAll(result.merged) };
    },
    update: async (token, patch) => open(await inner.update(seal(token), patch)),
    remove: (tokens) => inner.remove(tokens.map(seal)),
    recordSuccess: async (token, change) => open(await inner.recordSuccess(seal(token), change)),
    recordFailure: async (token, change) => open(await inner.recordFailure(seal(token), change)),
    applySync: async (token, sync) => open(await inner.applySync(seal(token), sync)),
    changeStatus: async (token, change) => open(await inner.changeStatus(seal(token), change)),
    replaceAll: async (accounts) => {
      const summary = await inner.replaceAll(accounts.map(sealNew));
      return {
        added: openTokens(summary.added),
        updated: openTokens(summary.updated),
        removed: openTokens(summary.removed),
      };
    },
    changedSince: async (at, known) =>
      openAll(await inner.changedSince(at, known && ((token, version) => known(cipher.decrypt(token), version)))),
    removedSince: async (at) => openTokens(await inner.removedSince(at)),
    ...(inner.afterBulkWrite ? { afterBulkWrite: () => inner.afterBulkWrite!() } : {}),
  };
}

function encryptedCoordinator(inner: Coordinator, cipher: TokenCipher): Coordinator {
  const mapEvent = (event: ClusterEvent, map: (token: string) => string): ClusterEvent =>
    event.kind === 'accounts' ? { kind: 'accounts', tokens: event.tokens.map(map) } : event;
  return {
    get delivery() {
      return inner.delivery;
    },
    get instanceId() {
      return inner.instanceId;
    },
    publish: (event) => inner.publish(mapEvent(event, (token) => cipher.encrypt(token))),
    subscribe: (listener) =>
      inner.subscribe((message) => {
        let event: ClusterEvent;
        try {
          event = mapEvent(message.event, (token) => cipher.decrypt(token));
        } catch {
          // A notice from an instance with another key (or none): re-read everything rather than trust it.
          event = { kind: 'reload' };
        }
        listener({ ...message, event });
      }),
    tryLock: (name, ttlMs) => inner.tryLock(name, ttlMs),
    acquireSlot: (token, limit, ttlMs, now) => inner.acquireSlot(cipher.encrypt(token), limit, ttlMs, now),
    renewSlot: (token, slotId, ttlMs, now) => inner.renewSlot(cipher.encrypt(token), slotId, ttlMs, now),
    releaseSlot: (token, slotId) => inner.releaseSlot(cipher.encrypt(token), slotId),
    releaseEarlierRun: () => inner.releaseEarlierRun(),
    close: () => inner.close(),
  };
}

/** The same storage, with account tokens encrypted by `cipher`. */
export function withEncryptedTokens(storage: Storage, cipher: TokenCipher): Storage {
  const accounts = encryptedAccountStore(storage.accounts, cipher);
  const coordinator = storage.coordinator ? encryptedCoordinator(storage.coordinator, cipher) : undefined;
  return {
    get kind() {
      return storage.kind;
    },
    accounts,
    records: storage.records,
    ...(coordinator ? { coordinator } : {}),
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}

/** Moves plain rows to their encrypted form; safe to repeat after a crash half-way (the encrypted twin is a duplicate). */
async function migratePlainRows(raw: AccountStore, cipher: TokenCipher): Promise<number> {
  const plain = (await raw.list()).filter((account) => !isEncrypted(account.token));
  for (const account of plain) {
    const {
      token,
      pool,
      status,
      statusReason,
      quota,
      quotaTotal,
      windowSeconds,
      consumed,
      useCount,
      failCount,
      lastFailAt,
      lastFailReason,
      lastUsedAt,
      lastSyncAt,
      cooldownUntil,
      createdAt,
      tags,
      note,
    } = account;
    await raw.insert([
      {
        token: cipher.encrypt(token),
        pool,
        status,
        statusReason,
        quota,
        quotaTotal,
        windowSeconds,
        consumed,
        useCount,
        failCount,
        lastFailAt,
        lastFailReason,
        lastUsedAt,
        lastSyncAt,
        cooldownUntil,
        createdAt,
        tags,
        note,
      },
    ]);
    await raw.remove([token]);
  }
  return plain.length;
}

export interface SecretKeyOutcome {
  storage: Storage;
  /** Plain rows encrypted during this start. */
  migrated: number;
}

/**
 * Applies GROK2API_SECRET_KEY to an opened storage. No key: the storage as it is, unless rows
 * were encrypted before (then a SecretKeyError). A key: checks it against the stored check
 * value (or records one), migrates plain rows, decrypts every row once to prove the key, and
 * returns the encrypting wrapper.
 */
export async function applySecretKey(storage: Storage, secret: string | undefined): Promise<SecretKeyOutcome> {
  const check = await storage.records.get<{ sealed: string }>(CHECK_COLLECTION, CHECK_ID);
  if (!secret) {
    if (check)
      throw new SecretKeyError(
        'The stored account tokens are encrypted, but GROK2API_SECRET_KEY is not set: set it to the key they were encrypted with.',
      );
    return { storage, migrated: 0 };
  }
  const cipher = createTokenCipher(secret);
  if (check) {
    let opened: string;
    try {
      opened = cipher.decrypt(check.sealed);
    } catch {
      throw new SecretKeyError(
        'GROK2API_SECRET_KEY is not the key the stored account tokens were encrypted with; nothing was changed. Start with the original key.',
      );
    }
    if (opened !== CHECK_TEXT)
      throw new SecretKeyError('The token encryption check record is damaged; nothing was changed.');
  } else {
    // Rows encrypted by another key but no check record (it was deleted): refuse rather than mix keys.
    const foreign = (await storage.accounts.list()).find((account) => isEncrypted(account.token));
    if (foreign) cipher.decrypt(foreign.token);
    await storage.records.put(CHECK_COLLECTION, CHECK_ID, { sealed: cipher.encrypt(CHECK_TEXT) });
  }
  const migrated = await migratePlainRows(storage.accounts, cipher);
  const wrapped = withEncryptedTokens(storage, cipher);
  await wrapped.accounts.list(); // every row decrypts, or the start stops here
  return { storage: wrapped, migrated };
}
