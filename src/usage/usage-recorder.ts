import { createHash, randomBytes } from 'node:crypto';
import { maskSecret } from '../logging/logger';
import { requestContext } from '../logging/request-context';
import type { RecordStore } from '../storage/types';

/**
 * One record per chat, image or video request, kept in the shared store for
 * `log.usage_retention_days` (0 = not kept): for the admin dashboard and the operator's own
 * analysis. Keys and tokens are stored only as a hash id and a masked form, never whole. A request
 * refused before it was served by an account (none free, the upstream refused on every account)
 * is recorded too, with `account: null` and the error it got; so is one refused before it reached
 * a model at all (a bad key, an invalid body, a rate limit: rejected-requests.ts).
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

/** Hash id and masked form of a secret, remembered: the same keys and tokens come back on every request. */
class SecretForms {
  private readonly known = new Map<string, { id: string; masked: string }>();

  of(secret: string): { id: string; masked: string } {
    let forms = this.known.get(secret);
    if (!forms) {
      // Bounded: a flood of distinct keys only costs the hashing it cost before.
      if (this.known.size >= 4096) this.known.clear();
      forms = { id: secretId(secret), masked: maskSecret(secret) };
      this.known.set(secret, forms);
    }
    return forms;
  }
}

interface PendingRecord {
  id: string;
  entry: UsageEntry;
  expiresAt: number;
}

export class UsageRecorder {
  private readonly secrets = new SecretForms();
  /** Records of this event-loop turn, written together after it, off the request's path. */
  private pending: PendingRecord[] = [];
  private written: Promise<void> | null = null;
  /** A random start per process, so ids from several workers in one millisecond do not collide. */
  private sequence = randomBytes(4).readUInt32BE(0);

  constructor(
    private readonly records: RecordStore,
    private readonly retentionDays: () => number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Never throws: a usage record must not fail the request it describes. Settles once the record is stored. */
  record(input: UsageInput): Promise<void> {
    const context = requestContext.getStore();
    if (context) context.usageRecorded = true;
    const days = this.retentionDays();
    if (days <= 0) return Promise.resolve();
    const at = this.clock();
    const key = /^Bearer\s+(.+)$/i.exec(input.authorization ?? '')?.[1]?.trim() ?? null;
    const keyForms = key ? this.secrets.of(key) : null;
    const tokenForms = input.token === null ? null : this.secrets.of(input.token);
    const entry: UsageEntry = {
      at,
      apiKeyId: keyForms?.id ?? null,
      apiKey: keyForms?.masked ?? null,
      model: input.model,
      accountId: tokenForms?.id ?? null,
      account: tokenForms?.masked ?? null,
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
    this.sequence = (this.sequence + 1) >>> 0;
    const id = `${at.toString().padStart(15, '0')}-${this.sequence.toString(16).padStart(8, '0')}`;
    this.pending.push({ id, entry, expiresAt: at + days * DAY_MS });
    this.written ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.written;
  }

  /** Writes the records waiting for the end of this turn (one transaction where the store has one). */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.written = null;
    if (batch.length === 0) return;
    const items = batch.map(({ id, entry, expiresAt }) => ({ id, value: entry, expiresAt }));
    try {
      if (this.records.putMany) await this.records.putMany(USAGE_COLLECTION, items);
      else {
        const put = (item: (typeof items)[number]) =>
          this.records.put(USAGE_COLLECTION, item.id, item.value, { expiresAt: item.expiresAt });
        await Promise.all(items.map(put));
      }
    } catch {
      // A usage record must not fail anything; the store's own errors are logged where it is used.
    }
  }
}
