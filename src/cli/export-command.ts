import { writeFile } from 'node:fs/promises';
import { toReferenceToken } from '../storage/reference-token-format';
import type { Account } from '../storage/types';
import { parseArguments, textOption, UsageError } from './arguments';
import type { CommandContext } from './command-context';
import { openConfiguredStorage } from './storage-from-env';

const FORMATS = ['token-json', 'jsonl', 'text'] as const;
type ExportFormat = (typeof FORMATS)[number];

/** token-json is the Python project's token.json shape, which `import` and that project both read back. */
export function renderExport(accounts: readonly Account[], format: ExportFormat): string {
  if (format === 'text') return accounts.map((account) => `${account.token}\n`).join('');
  if (format === 'jsonl')
    return accounts
      .map((account) => `${JSON.stringify({ pool: account.pool, ...toReferenceToken(account) })}\n`)
      .join('');
  const pools: Record<string, ReturnType<typeof toReferenceToken>[]> = {};
  for (const account of accounts) (pools[account.pool] ??= []).push(toReferenceToken(account));
  return `${JSON.stringify(pools, null, 2)}\n`;
}

/** `grok2api export [--output file] [--format token-json|jsonl|text] [--pool name]`. Tokens are exported in full: that is the point. */
export async function exportCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseArguments(argv, ['output', 'format', 'pool']);
  if (parsed.positional.length > 0)
    throw new UsageError(`export takes no positional arguments (got ${parsed.positional[0]})`);
  const format = (textOption(parsed, 'format') ?? 'token-json') as ExportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const output = textOption(parsed, 'output');
  const pool = textOption(parsed, 'pool');
  const storage = await openConfiguredStorage(context.env);
  try {
    const accounts = await storage.accounts.list(pool ? { pool } : undefined);
    const text = renderExport(accounts, format);
    if (!output || output === '-') {
      context.write(text);
    } else {
      // Owner-only: the file holds every account's credentials.
      await writeFile(output, text, { mode: 0o600 });
      context.err(`exported ${accounts.length} account(s) to ${output}`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
