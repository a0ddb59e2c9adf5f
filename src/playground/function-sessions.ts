import { randomBytes } from 'node:crypto';
import type { RecordStore } from '../storage/types';

/**
 * Playground tasks made by `/imagine/start` and `/video/start` (docs/python-compatibility.md §5):
 * what to generate, kept in storage for ten minutes under an unguessable id. Any instance can
 * serve the stream of a task another made (the Python project kept them in one worker's memory).
 * A task is used once: its stream drops it when it ends, and `/stop` drops it early.
 */

export const SESSION_TTL_MS = 600_000;
const COLLECTION = 'function-sessions';

export type SessionKind = 'imagine' | 'video';

export class FunctionSessions {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async create<T extends object>(kind: SessionKind, value: T): Promise<string> {
    const id = randomBytes(16).toString('hex');
    await this.records.put(
      COLLECTION,
      `${kind}:${id}`,
      { ...value, created_at: this.clock() },
      { expiresAt: this.clock() + SESSION_TTL_MS },
    );
    return id;
  }

  /** The task, or null when unknown, stopped or older than ten minutes. */
  async get<T extends object>(kind: SessionKind, id: string): Promise<(T & { created_at: number }) | null> {
    if (!/^[0-9a-f]{32}$/.test(id)) return null;
    const value = await this.records.get<T & { created_at: number }>(COLLECTION, `${kind}:${id}`);
    if (!value || this.clock() - value.created_at > SESSION_TTL_MS) return null;
    return value;
  }

  /** How many of the ids were live tasks. */
  async drop(kind: SessionKind, ids: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of new Set(ids))
      if (/^[0-9a-f]{32}$/.test(id) && (await this.records.delete(COLLECTION, `${kind}:${id}`))) removed += 1;
    return removed;
  }
}
