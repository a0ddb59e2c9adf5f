import type { AccountPool } from '../../pool/account-pool';
import {
  detectFormat,
  entryPool,
  ImportFormatError,
  mergeEntries,
  parseImport,
  parseJson,
  type ImportFormat,
} from './parse-import';

/**
 * An account file of any size in one request: TXT and JSONL are read line by line from the
 * request body and written in batches through the pool, so memory holds one batch, never the
 * file. JSON and token.json are one JSON value each, so they are read whole (bounded by
 * limits.max_admin_body_mb) and then written in the same batches. Repeats within a batch are
 * merged as in parse-import.ts; a repeat in a later batch is merged into the stored account.
 */

export interface StreamImportSummary {
  format: ImportFormat;
  added: number;
  merged: number;
  repeated: number;
  invalid: number;
}

/** Lines per batch: one store round trip per this many accounts. */
const BATCH_LINES = 2_000;

async function* linesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n', start)) {
      yield pending.slice(start, newline).replace(/\r$/, '');
      start = newline + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') yield pending.replace(/\r$/, '');
}

export async function importStream(
  body: ReadableStream<Uint8Array>,
  options: { format?: ImportFormat; pool: string },
  pool: AccountPool,
): Promise<StreamImportSummary> {
  const lines = linesOf(body);
  const summary: StreamImportSummary = {
    format: options.format ?? 'txt',
    added: 0,
    merged: 0,
    repeated: 0,
    invalid: 0,
  };
  const write = async (entries: { entry: unknown; pool: string }[]) => {
    const parsed = mergeEntries(entries);
    summary.repeated += parsed.repeated;
    summary.invalid += parsed.invalid;
    const result = await pool.importAccounts(parsed.accounts);
    summary.added += result.added;
    summary.merged += result.merged;
  };
  /** JSON and token.json: one value, read whole (the rest of the body), parsed, written in batches. */
  const writeWhole = async (first: string) => {
    let content = first;
    for await (const rest of lines) content += `\n${rest}`;
    if (options.format === undefined) summary.format = detectFormat(content);
    const parsed = parseImport(content, summary.format, options.pool);
    summary.repeated += parsed.repeated;
    summary.invalid += parsed.invalid;
    for (let start = 0; start < parsed.accounts.length; start += BATCH_LINES) {
      const result = await pool.importAccounts(parsed.accounts.slice(start, start + BATCH_LINES));
      summary.added += result.added;
      summary.merged += result.merged;
    }
    await pool.importFinished(summary.added + summary.merged);
    return summary;
  };
  let batch: { entry: unknown; pool: string }[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    const trimmed = line.trim();
    // Unnamed format: a first line opening with `[` or `{` is JSON of some kind, else TXT.
    const looksJson =
      options.format === undefined && lineNumber === 1 && (trimmed.startsWith('[') || trimmed.startsWith('{'));
    if (looksJson || summary.format === 'json' || summary.format === 'token.json') return writeWhole(line);
    if (trimmed === '' || (summary.format === 'txt' && trimmed.startsWith('#'))) continue;
    if (summary.format === 'jsonl') {
      let entry: unknown;
      try {
        entry = parseJson(trimmed, `line ${lineNumber}`);
      } catch (error) {
        if (!(error instanceof ImportFormatError)) throw error;
        throw new ImportFormatError(
          `${error.message}; the ${summary.added + summary.merged} accounts before it were imported`,
        );
      }
      batch.push({ entry, pool: entryPool(entry, options.pool) });
    } else batch.push({ entry: trimmed, pool: options.pool });
    if (batch.length >= BATCH_LINES) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
  await pool.importFinished(summary.added + summary.merged);
  return summary;
}
