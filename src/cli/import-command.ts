import { readFile } from 'node:fs/promises';
import { BASIC_POOL } from '../storage/types';
import { parseArguments, textOption, UsageError } from './arguments';
import type { CommandContext } from './command-context';
import { parseTokenFile } from './token-file';
import { openConfiguredStorage } from './storage-from-env';

/** `grok2api import <file|-> [--pool name]`: adds accounts to the configured storage, never overwriting one. */
export async function importCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseArguments(argv, ['pool']);
  const source = parsed.positional[0];
  if (!source || parsed.positional.length > 1)
    throw new UsageError('import needs exactly one file (or - for standard input)');
  const pool = textOption(parsed, 'pool') ?? BASIC_POOL;
  const text = source === '-' ? await context.readStdin() : await readFile(source, 'utf8');
  const file = parseTokenFile(text, pool);
  const storage = await openConfiguredStorage(context.env);
  try {
    const { added, duplicates } = await storage.accounts.insert(file.accounts);
    context.out(
      JSON.stringify({
        format: file.format,
        added: added.length,
        duplicates: duplicates.length,
        invalid: file.invalid.length,
        storage: storage.kind,
      }),
    );
    // Where, not what: the invalid entries may be half a token.
    if (file.invalid.length > 0)
      context.err(
        `skipped unusable entries at: ${file.invalid.slice(0, 20).join(', ')}${file.invalid.length > 20 ? ', …' : ''}`,
      );
    return file.accounts.length === 0 && file.invalid.length > 0 ? 1 : 0;
  } finally {
    await storage.close();
  }
}
