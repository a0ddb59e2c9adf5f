import { Type, type Static } from '@sinclair/typebox';

/** A batch action over many accounts, kept in storage so every instance can show or cancel it. */

export const BATCH_ACTIONS = [
  'refresh',
  'enable',
  'disable',
  'delete',
  'enable_nsfw',
  'clear_assets',
  'count_assets',
] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

export const JobFilter = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('cooling'), Type.Literal('expired'), Type.Literal('disabled')]),
    ),
    pool: Type.Optional(Type.String({ maxLength: 64 })),
    nsfw: Type.Optional(Type.Boolean()),
    search: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type JobFilter = Static<typeof JobFilter>;

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BatchJob {
  id: string;
  action: BatchAction;
  /** Account ids (the selection) or a filter (all matching accounts when the job starts). */
  target: { ids: string[] } | { filter: JobFilter };
  status: JobStatus;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  /** The first failures, by masked token. */
  errors: { account: string; reason: string }[];
  /**
   * Each account's outcome by account id, kept only when the job was started with `results: {}`
   * (the Python project's task routes report them at the end); console jobs leave it out.
   */
  results?: Record<string, JobItemResult>;
  /** The instance running it; it rewrites `heartbeatAt` while it works. */
  owner: string;
  createdAt: number;
  heartbeatAt: number;
  finishedAt: number | null;
}

export interface JobItemResult {
  ok: boolean;
  /** Why it failed. */
  reason?: string;
  /** count_assets: the files the account has on grok.com; clear_assets: the files deleted. */
  count?: number;
  /** clear_assets: the files found. */
  found?: number;
}

export const TERMINAL: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** A running job whose owner stopped writing for this long is shown as stalled (its instance died). */
export const STALL_AFTER_MS = 30_000;

export const isStalled = (job: BatchJob, now: number) =>
  job.status === 'running' && now - job.heartbeatAt > STALL_AFTER_MS;
