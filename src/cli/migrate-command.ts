import { openStorage } from '../storage';
import type { Account, NewAccount } from '../storage/types';
import { parseArguments, textOption, UsageError } from './arguments';
import type { CommandContext } from './command-context';

/** Every field a store accepts on insert; `updatedAt` and `version` belong to the target store. */
export function asNewAccount(account: Account): NewAccount {
  const { updatedAt: _updatedAt, version: _version, statusChangedAt: _statusChangedAt, ...fields } = account;
  return fields;
}

/**
 * `grok2api migrate --to-type T [--to-url U] [--from-type T] [--from-url U]`: copies every account
 * from one storage to another through the Storage interface, so it works between any two drivers.
 * The source defaults to the configured storage. Accounts already in the target are left alone
 * and counted as duplicates, so a second run is harmless.
 */
export async function migrateCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  const parsed = parseArguments(argv, ['from-type', 'from-url', 'to-type', 'to-url']);
  const dataDir = context.env.DATA_DIR || './data';
  const toType = textOption(parsed, 'to-type');
  if (!toType) throw new UsageError('migrate needs --to-type (local, sqlite, redis, mysql or pgsql)');
  const fromType = textOption(parsed, 'from-type') ?? context.env.SERVER_STORAGE_TYPE ?? 'local';
  const fromUrl =
    textOption(parsed, 'from-url') ?? (parsed.options.has('from-type') ? undefined : context.env.SERVER_STORAGE_URL);
  const toUrl = textOption(parsed, 'to-url');
  if (fromType === toType && (fromUrl ?? '') === (toUrl ?? ''))
    throw new UsageError('source and target are the same storage');

  const secretKey = context.env.GROK2API_SECRET_KEY;
  const source = await openStorage({ type: fromType, url: fromUrl, dataDir, secretKey });
  try {
    const target = await openStorage({ type: toType, url: toUrl, dataDir, secretKey });
    try {
      const accounts = await source.accounts.list();
      const { added, duplicates } = await target.accounts.insert(accounts.map(asNewAccount));
      context.out(
        JSON.stringify({
          from: source.kind,
          to: target.kind,
          accounts: accounts.length,
          added: added.length,
          duplicates: duplicates.length,
        }),
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
