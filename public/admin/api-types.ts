/**
 * The admin API's answers as the console reads them. Types only: each comes from the server code
 * that makes the answer, through `import type`, so nothing of the server enters the bundle.
 */
import type { toConsoleAccount } from '../../src/admin-console/accounts/console-account';
import type { UsageSummary } from '../../src/admin-console/dashboard/usage-summary';
import type { BatchJob } from '../../src/admin-console/jobs/batch-job';
import type { StoredClientKey } from '../../src/client-keys/client-key';
import type { CachedFile } from '../../src/media/media-cache';
import type { PoolStats } from '../../src/pool/account-pool';
import type { AccountStatus } from '../../src/storage/types';
import type { KeySource } from '../../src/config/store';
import type { CodedWarning } from '../../src/config/coded-warning';

export type { AccountStatus, CodedWarning, PoolStats };
export type MediaKind = CachedFile['kind'];

/** GET/POST /v1/admin/session. */
export interface Session {
  csrf_token?: string;
  default_password?: boolean;
  playground_open?: boolean;
}

export type ConsoleAccount = ReturnType<typeof toConsoleAccount>;

/** GET /v1/admin/console/accounts. */
export interface AccountsPage {
  total: number;
  counts: Record<string, number>;
  offset: number;
  limit: number;
  accounts: ConsoleAccount[];
}

/** A batch job as the jobs routes show it: the id list counted, and whether its owner stopped working on it. */
export type JobView = Omit<BatchJob, 'results' | 'target'> & {
  target: { ids: number } | { filter: Record<string, unknown> };
  stalled: boolean;
};

/** POST /v1/admin/tokens/import(/file). */
export interface ImportSummary {
  added: number;
  invalid: number;
  rejected?: string[];
  [field: string]: unknown;
}

export interface PoolSnapshotTotals {
  at: number;
  active: number;
  cooling: number;
  expired: number;
  disabled: number;
}

/** GET /v1/admin/console/dashboard. */
export interface Dashboard {
  hours: number;
  usage: Omit<UsageSummary, 'top_keys'> & { top_keys: (UsageSummary['top_keys'][number] & { name: string | null })[] };
  pools: Record<string, PoolStats>;
  pool_history: PoolSnapshotTotals[];
}

export type ClientKeyView = Omit<StoredClientKey, 'hash'> & { state: string };

/** GET /v1/admin/console/keys. */
export interface KeysAnswer {
  keys: ClientKeyView[];
  models: string[];
  model_groups?: { family: 'chat' | 'image' | 'video'; models: { id: string; aliases: string[] }[] }[];
}

export interface KeyUsage {
  requests: number;
  failed: number;
  [field: string]: unknown;
}

/** GET /v1/admin/console/media. */
export interface MediaPage {
  counts: Record<MediaKind, { count: number; bytes: number }>;
  kind: MediaKind;
  total: number;
  offset: number;
  limit: number;
  items: (CachedFile & { url: string })[];
}

/** A key's JSON schema as the config form sends it (the parts the page reads). */
export interface KeySchema {
  type?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: { const?: unknown; type?: string }[];
}

/** GET /v1/admin/console/config-form. */
export interface ConfigForm {
  sections: { name: string; keys: { key: string; schema: KeySchema; secret: boolean }[] }[];
  governed: Record<string, { managed: string[]; needs: string[] }>;
  sources?: Record<string, KeySource>;
}

export type ConfigValues = Record<string, Record<string, unknown>>;
