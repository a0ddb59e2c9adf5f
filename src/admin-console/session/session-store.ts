import { createHash, randomBytes } from 'node:crypto';
import type { RecordStore } from '../../storage/types';

/**
 * Console sign-in sessions, kept in `storage.records` so every instance behind a load balancer
 * knows them and a restart does not sign anyone out. The record id is a hash of the cookie value:
 * someone who can read the store still cannot replay a session. Each session remembers a hash of
 * the password it was opened with, so changing `app.app_key` ends every existing session.
 */

const COLLECTION = 'admin-sessions';

export interface AdminSession {
  /** Sent back by the console in `x-csrf-token` on every state-changing call. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  passwordHash: string;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export const passwordFingerprint = (password: string) => sha256(`grok2api-admin:${password}`);

export class SessionStore {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {}

  /** Opens a session; returns the secret cookie value (never stored) and the session. */
  async open(password: string, lifetimeMs: number): Promise<{ cookieValue: string; session: AdminSession }> {
    const cookieValue = this.random(32).toString('base64url');
    const now = this.clock();
    const session: AdminSession = {
      csrfToken: this.random(24).toString('base64url'),
      createdAt: now,
      expiresAt: now + lifetimeMs,
      passwordHash: passwordFingerprint(password),
    };
    await this.records.put(COLLECTION, sha256(cookieValue), session, { expiresAt: session.expiresAt });
    return { cookieValue, session };
  }

  /** The live session for a cookie value, or null (unknown, expired, or opened with an old password). */
  async find(cookieValue: string, currentPassword: string): Promise<AdminSession | null> {
    if (cookieValue === '') return null;
    const session = await this.records.get<AdminSession>(COLLECTION, sha256(cookieValue));
    if (!session) return null;
    if (session.expiresAt <= this.clock()) return null;
    if (session.passwordHash !== passwordFingerprint(currentPassword)) return null;
    return session;
  }

  async close(cookieValue: string): Promise<void> {
    await this.records.delete(COLLECTION, sha256(cookieValue));
  }
}
