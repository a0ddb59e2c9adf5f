import { createHash, randomBytes } from 'node:crypto';
import { maskSecret } from '../logging/logger';
import type { RecordStore } from '../storage/types';

/**
 * One record per chat, image or video request, kept in the shared store for
 * `log.usage_retention_days` (0 = not kept): for the admin dashboard and the operator's own
 * analysis. Keys and tokens are stored only as a hash id and a masked form, never whole. A request
 * refused before it was served by an account (none free, the upstream refused on every account)
 * is recorded too, with `account: null` and the error it got.
 */

export interface UsageEntry {
  at: number;
  /** Hash id and masked form of the API key the client used (null when the API is open). */
  apiKeyId: string | null;
  apiKey: string | null;
  model: string;
  /** Null when the request was refused before an account served it. */
  accountId: string | null;
  account: string | null;
  /** completed | failed | cancelled | rejected (refused before an account served it) */
  outcome: string;
  /** For `rejected`: the HTTP status and error code the client got. */
  status?: number;
  errorCode?: string | null;
  latencyMs: number;
  /** UTF-8 bytes of the answer text and reasoning given back. */
  bytes: number;
  promptTokens: number;
  completionTokens: number;
  /** What was asked for; absent on records written before media was recorded (they are chat). */
  kind?: UsageKind;
  /** Image requests: images given back. */
  images?: number;
  /** Video requests: seconds of video made (0 when the job failed). */
  videoSeconds?: number;
}

export type UsageKind = 'chat' | 'image' | 'video';

export const USAGE_COLLECTION = 'usage';
const DAY_MS = 86_400_000;

export const secretId = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 16);

export interface UsageInput {
  startedAt: number;
  authorization: string | null;
  model: string;
  token: string | null;
  outcome: string;
  status?: number;
  errorCode?: string | null;
  answerText: string;
  promptTokens: number;
  completionTokens: number;
  /** Default chat. */
  kind?: UsageKind;
  images?: number;
  videoSeconds?: number;
}

export class UsageRecorder {
  constructor(
    private readonly records: RecordStore,
    private readonly retentionDays: () => number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Never throws: a usage record must not fail the request it describes. */
  async record(input: UsageInput): Promise<void> {
    const days = this.retentionDays();
    if (days <= 0) return;
    const at = this.clock();
    const key = /^Bearer\s+(.+)$/i.exec(input.authorization ?? '')?.[1]?.trim() ?? null;
    const entry: UsageEntry = {
      at,
      apiKeyId: key ? secretId(key) : null,
      apiKey: key ? maskSecret(key) : null,
      model: input.model,
      accountId: input.token === null ? null : secretId(input.token),
      account: input.token === null ? null : maskSecret(input.token),
      outcome: input.outcome,
      ...(input.status === undefined ? {} : { status: input.status, errorCode: input.errorCode ?? null }),
      latencyMs: Math.max(0, at - input.startedAt),
      bytes: Buffer.byteLength(input.answerText),
      promptTokens: input.promptTokens,
      completionTokens: input.completionTokens,
      kind: input.kind ?? 'chat',
      ...(input.images === undefined ? {} : { images: input.images }),
      ...(input.videoSeconds === undefined ? {} : { videoSeconds: input.videoSeconds }),
    };
    // Ids sort by time, so listing pages through the records oldest first.
    const id = `${at.toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
    await this.records.put(USAGE_COLLECTION, id, entry, { expiresAt: at + days * DAY_MS }).catch(() => {});
  }
}
