import { createApp } from './app';
import { startClusterSync } from './cluster/cluster-sync';
import { loadConfig } from './config/load';
import { Logger, parseLogLevel } from './logging/logger';
import { AccountPool } from './pool/account-pool';
import { QuotaScheduler } from './pool/quota-scheduler';
import { runBounded } from './pool/run-bounded';
import { importTokenJson } from './storage/import-token-json';
import { openStorage } from './storage';
import { GrokClient } from './upstream/grok/client';
import { join } from 'node:path';

export interface ServerOptions {
  env: Record<string, string | undefined>;
  /** Overrides SERVER_PORT (0 = any free port). */
  port?: number;
  hostname?: string;
  reusePort?: boolean;
  logger?: Logger;
  /** How often the quota scheduler looks for due accounts (default one minute); tests shorten it. */
  schedulerTickMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets running requests (streams too) finish up to the grace period, closes storage. */
  stop(graceMs?: number): Promise<void>;
}

function booleanEnv(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env;
  const dataDir = env.DATA_DIR || './data';
  const logger =
    options.logger ??
    new Logger({
      level: parseLogLevel(env.LOG_LEVEL),
      fileDirectory: booleanEnv(env.LOG_FILE_ENABLED, true) ? env.LOG_DIR || './logs' : undefined,
    });

  const config = await loadConfig({ dataDir, env });
  for (const warning of config.warnings) logger.warn('config', { warning });

  const storage = await openStorage({ type: env.SERVER_STORAGE_TYPE || 'local', url: env.SERVER_STORAGE_URL, dataDir });
  const imported = (await storage.accounts.count()) === 0 ? await importTokenJson(storage, join(dataDir, 'token.json')) : null;
  if (imported) logger.info('imported token.json', { added: imported.added, duplicates: imported.duplicates, invalid: imported.invalid });

  const grok = new GrokClient({ config: () => config.get() });
  const pool = new AccountPool({ storage, config: () => config.get(), syncQuota: (token) => grok.rateLimits(token) });
  await pool.load();
  if (imported && imported.added > 0 && config.get().token.auto_refresh) {
    // Learn the real quotas of imported accounts in the background; requests do not wait for it.
    const tokens = pool.accounts().map((account) => account.token);
    void runBounded(tokens, config.get().usage.concurrent, (token) => pool.sync(token)).then((results) =>
      logger.info('synced imported accounts', { ok: results.filter((result) => result.status === 'fulfilled').length, total: tokens.length }),
    );
  }
  const coordinator = storage.coordinator ?? null;
  const clusterSync = coordinator ? await startClusterSync({ coordinator, pool, config, records: storage.records, logger }) : null;
  const scheduler = new QuotaScheduler({
    pool,
    config: () => config.get(),
    logger,
    tickMs: options.schedulerTickMs,
    cluster: coordinator
      ? { tryLock: (name, ttlMs) => coordinator.tryLock(name, ttlMs), coolingAccounts: () => storage.accounts.list({ status: 'cooling' }) }
      : undefined,
  });
  scheduler.start();
  const reload = setInterval(() => {
    if (config.get().token.reload_interval_sec > 0) void pool.refreshChanged().catch((error) => logger.warn('account reload failed', { error }));
  }, Math.max(1, config.get().token.reload_interval_sec || 30) * 1000);

  const settings = config.get();
  if (!settings.app.api_key || (Array.isArray(settings.app.api_key) && settings.app.api_key.length === 0)) {
    logger.warn('app.api_key is empty: /v1 routes are open to anyone who can reach this port. Set app.api_key or GROK2API_APP_API_KEY.');
  }
  if (settings.app.app_key === 'grok2api') {
    logger.warn('app.app_key is still the default password "grok2api": change it before exposing the admin API.');
  }

  const app = createApp({ config, storage, pool, grok, logger });
  const port = options.port ?? Number(env.SERVER_PORT || 8000);
  const hostname = options.hostname ?? (env.SERVER_HOST || '0.0.0.0');
  const server = Bun.serve({ fetch: (request) => app.handle(request), port, hostname, reusePort: options.reusePort, idleTimeout: 255 });
  const url = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${server.port}`;
  logger.info('grok2api listening', { url, storage: storage.kind, dataDir, accounts: await storage.accounts.count() });

  return {
    url,
    port: server.port ?? port,
    async stop(graceMs = 30_000) {
      clearInterval(reload);
      clusterSync?.stop();
      scheduler.stop();
      const drained = server.stop(false);
      await Promise.race([drained, Bun.sleep(graceMs)]);
      server.stop(true);
      await pool.settle(); // charges of the last requests are written before the store closes
      await storage.close();
    },
  };
}
