import { loadConfig } from '../config/load';
import { ConfigError, formatIssue } from '../config/errors';
import { chooseLogFormat, parseLogLevel } from '../logging/logger';
import type { CommandContext } from './command-context';
import { openConfiguredStorage } from './storage-from-env';
import { serverSettings } from './server-settings';

/**
 * `grok2api check-config`: everything `serve` would refuse at start-up, checked without
 * listening — config.toml and GROK2API_* values, the process variables, and whether the storage
 * opens and answers. Exit 0 when serve would start, 1 otherwise. Secrets are never printed.
 */
export async function checkConfigCommand(_argv: readonly string[], context: CommandContext): Promise<number> {
  const problems: string[] = [];
  const env = context.env;
  const dataDir = env.DATA_DIR || './data';
  try {
    serverSettings(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  for (const check of [() => parseLogLevel(env.LOG_LEVEL), () => chooseLogFormat(env.LOG_FORMAT, false)]) {
    try {
      check();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  try {
    const config = await loadConfig({ dataDir, env });
    for (const warning of config.warnings) context.err(`warning: ${warning.message}`);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.issues.map(formatIssue));
    else problems.push((error as Error).message);
  }
  let storageKind = 'unknown';
  try {
    const storage = await openConfiguredStorage(env);
    storageKind = storage.kind;
    try {
      await storage.ping();
    } finally {
      await storage.close();
    }
  } catch (error) {
    problems.push(`storage: ${(error as Error).message}`);
  }
  for (const problem of problems) context.err(`error: ${problem}`);
  context.out(JSON.stringify({ ok: problems.length === 0, dataDir, storage: storageKind, problems: problems.length }));
  return problems.length === 0 ? 0 : 1;
}
