import type { ReferenceRow } from './reference-layout';

/**
 * One row of the reference's SQL `tokens` table as a ReferenceRow: the full JSON in `data` when it
 * parses (it alone has `consumed`), else the flat columns.
 */
export function referenceSqlRow(row: Record<string, unknown>): ReferenceRow {
  const pool = String(row.pool_name ?? 'ssoBasic');
  let fields: Record<string, unknown> = { ...row };
  delete fields.data;
  delete fields.pool_name;
  if (typeof row.data === 'string' && row.data.trim() !== '') {
    try {
      const data: unknown = JSON.parse(row.data);
      if (typeof data === 'object' && data !== null && !Array.isArray(data))
        fields = { ...fields, ...(data as Record<string, unknown>) };
    } catch {
      // the flat columns are enough
    }
  }
  return { pool, fields: { ...fields, token: String(row.token) } };
}

export const REFERENCE_TOKENS_QUERY =
  'SELECT token, pool_name, status, quota, created_at, last_used_at, use_count, fail_count, last_fail_at, last_fail_reason, last_sync_at, tags, note, data FROM tokens';
