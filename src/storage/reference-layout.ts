import { parseReferenceEntry } from './reference-token-format';
import type { NewAccount, Storage } from './types';

/**
 * The reference kept its tokens in the same Redis or SQL database under its own names
 * (docs/python-compatibility.md §6.2, §6.3). Pointed at such a store, a driver reads them
 * once — only while our own account set is empty — and inserts them; the reference's keys and
 * tables are left untouched, so the old deployment keeps working during a switch-over.
 */

export interface ReferenceRow {
  pool: string;
  /** A token object in the reference's field names, values possibly as strings. */
  fields: Record<string, unknown>;
}

const NUMERIC = [
  'quota',
  'consumed',
  'created_at',
  'last_used_at',
  'use_count',
  'fail_count',
  'last_fail_at',
  'last_sync_at',
];
const NULL_WORDS = new Set(['', 'none', 'null']);

/** Redis stored every field as a string and SQL drivers may return BIGINTs as strings: typed again here. */
export function referenceEntry(fields: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = { ...fields };
  for (const name of NUMERIC) {
    const value = entry[name];
    if (value === undefined) continue;
    if (value === null || (typeof value === 'string' && NULL_WORDS.has(value.trim().toLowerCase()))) {
      entry[name] = name === 'last_used_at' || name === 'last_fail_at' || name === 'last_sync_at' ? null : undefined;
      continue;
    }
    const number = Number(value);
    entry[name] = Number.isFinite(number) ? number : undefined;
  }
  if (typeof entry.tags === 'string') {
    try {
      const tags: unknown = JSON.parse(entry.tags);
      entry.tags = Array.isArray(tags) ? tags.filter((tag) => typeof tag === 'string') : undefined;
    } catch {
      entry.tags = undefined;
    }
  }
  // The reference wrote no null note or status; a missing one takes our default.
  for (const name of ['note', 'status']) if (entry[name] === null) delete entry[name];
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

/** Imports the reference's tokens when our set is empty; a failure closes the storage it was opening. */
export async function adoptReferenceLayout(storage: Storage, read: () => Promise<ReferenceRow[]>): Promise<number> {
  try {
    return await adopt(storage, read);
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
}

async function adopt(storage: Storage, read: () => Promise<ReferenceRow[]>): Promise<number> {
  if ((await storage.accounts.count()) > 0) return 0;
  const rows = await read();
  const accounts: NewAccount[] = [];
  for (const row of rows) {
    const account = parseReferenceEntry(referenceEntry(row.fields), row.pool);
    if (account) accounts.push(account);
  }
  if (accounts.length === 0) return 0;
  return (await storage.accounts.insert(accounts)).added.length;
}
