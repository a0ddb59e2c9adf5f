import { createApp } from './app';
import { ClearanceRefresher } from './cloudflare/clearance-refresher';
import { UpstreamCapture } from './diagnostics/upstream-capture';
import { startClusterSync } from './cluster/cluster-sync';
import { loadConfig } from './config/load';
import type { ConfigStore } from './config/store';
import { chooseLogFormat, Logger, parseLogLevel, rotationFromConfig } from './logging/logger';
import { quotaModesOf } from './pool/quota-modes';
import { AccountPool } from './pool/account-pool';
import { LoopLag } from './pool/loop-lag';
import { importTokenJson } from './storage/import-token-json';
import { openStorage } from './storage';
import { instanceIdentity } from './cluster/instance-identity';
import type { Storage } from './storage/types';
import { createUpstreamFetch } from './upstream/egress/browser-fetch';
import { limitUndeclaredBodies } from './security/request-limits';
import { webPolicy } from './security/web-policy';
import { GrokClient } from './upstream/grok/client';
import { upstreamWarnings } from './upstream/grok/upstream-warnings';
import { join } from 'node:path';
import { startBackgroundJobs } from './ops/start-background-jobs';
import type { BackgroundJobs } from './ops/background-jobs';
import { createObservability } from './ops/observability';
import { randomUUID } from 'node:crypto';
import { SocketRoutes } from './http/socket-routes';

/**
 * Everything a running gateway is made of, without the listening socket: config, storage, pool,
 * upstream client, background jobs and the app. `startServer` puts it behind Bun.serve; a
 * serverless entry (api/index.ts for Vercel) hands requests to `handle` directly.
 */

export interface GatewayOptions {
  env: Record<string, string | undefined>;
  logger?: Logger;
  /** How often the quota scheduler looks for due accounts (default one minute); tests shorten it. */
  schedulerTickMs?: number;
}

export interface Gateway {
  app: ReturnType<typeof createApp>;
  /** WebSocket routes a server with upgrades (Bun.serve) serves beside `handle`. */
  sockets: SocketRoutes;
  /** The app behind the web policy and the undeclared-body limits: what a server should call. */
  handle: (request: Request) => Promise<Response>;
  config: ConfigStore;
  logger: Logger;
  storage: Storage;
  pool: AccountPool;
  instance: { id: string; startedAt: number; jobs: BackgroundJobs };
  /** Stops the scheduler, the clearance refresher and cluster sync. */
  stopBackground(): void;
  /** Writes pending account charges and closes storage. */
  close(): Promise<void>;
}

/** At start-up, and again whenever a config change alters what there is to say. */
function logUpstreamWarnings(config: ConfigStore, logger: Logger): void {
  let said = '';
  const say = () => {
    const warnings = upstreamWarnings(config.get());
    const key = JSON.stringify(warnings);
    if (key === said) return;
    said = key;
    for (const warning of warnings) logger.warn('upstream', { code: warning.code, warning: warning.message });
  };
  say();
  config.subscribe(say);
}

/** Slots a crashed earlier run of this instance still holds would block their accounts until they expire. */
async function releaseEarlierRun(storage: Storage, logger: Logger): Promise<void> {
  if (!storage.coordinator) return;
  try {
    const freed = await storage.coordinator.releaseEarlierRun();
    const instance = storage.coordinator.instanceId;
    if (freed > 0) logger.info('freed the request slots and locks an earlier run left', { freed, instance });
  } catch (error) {
    logger.warn('could not free the request slots of an earlier run; they expire after token.lease_ttl_sec', { error });
  }
}

function booleanEnv(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export async function openGateway(options: GatewayOptions): Promise<Gateway> {
  const env = options.env;
  const dataDir = env.DATA_DIR || './data';
  const terminal = process.stdout.isTTY === true;
  const logger =
    options.logger ??
    new Logger({
      level: parseLogLevel(env.LOG_LEVEL),
      format: chooseLogFormat(env.LOG_FORMAT, terminal),
      colour: terminal && !env.NO_COLOR,
      fileDirectory: booleanEnv(env.LOG_FILE_ENABLED, true) ? env.LOG_DIR || join(dataDir, 'logs') : undefined,
    });

  const config = await loadConfig({ dataDir, env });
  logger.configureFiles(rotationFromConfig(config.get().log));
  config.subscribe((next) => logger.configureFiles(rotationFromConfig(next.log)));
  for (const warning of config.warnings) logger.warn('config', { code: warning.code, warning: warning.message });
  logUpstreamWarnings(config, logger);

  const storage = await openStorage({
    type: env.SERVER_STORAGE_TYPE || 'local',
    url: env.SERVER_STORAGE_URL,
    dataDir,
    secretKey: env.GROK2API_SECRET_KEY,
    instanceId: instanceIdentity(env, dataDir),
    onTokensEncrypted: (count) => logger.info('encrypted stored account tokens with GROK2API_SECRET_KEY', { count }),
  });
  await releaseEarlierRun(storage, logger);
  const imported =
    (await storage.accounts.count()) === 0 ? await importTokenJson(storage, join(dataDir, 'token.json')) : null;
  if (imported)
    logger.info('imported token.json', {
      added: imported.added,
      duplicates: imported.duplicates,
      invalid: imported.invalid,
    });

  // The pool is made below; the gauges read it only at scrape time.
  const { metrics, upstreamHealth, poolObserver, retryEnvironment } = createObservability(() => pool.stats());
  // Off unless diagnostics.capture_enabled; the client's REST and gateway traffic both pass it.
  const capture = new UpstreamCapture({ config: () => config.get() });
  // FlareSolverr refresh (proxy.enabled): scheduled, and on demand when the client meets a challenge.
  const clearance = new ClearanceRefresher({
    config,
    logger,
    // Instances sharing the store solve one at a time and once per burst (cloudflare/refresh-gate.ts).
    cluster: storage.coordinator
      ? {
          instanceId: storage.coordinator.instanceId,
          tryLock: (name, ttlMs) => storage.coordinator!.tryLock(name, ttlMs),
          records: storage.records,
        }
      : undefined,
  });
  const grok = new GrokClient({
    config: () => config.get(),
    retryEnvironment,
    fetch: capture.wrapFetch(createUpstreamFetch(() => config.get())),
    observeSocket: (url, headers) => capture.socket(url, headers),
    onChallenge: () => clearance.onChallenge(),
  });
  clearance.start();
  // Quota passes give way to requests: their calls go further apart while the event loop runs late.
  const loopLag = new LoopLag();
  loopLag.start();
  const pool: AccountPool = new AccountPool({
    storage,
    config: () => config.get(),
    syncQuota: (token, mode) => grok.rateLimits(token, mode),
    quotaModes: quotaModesOf(),
    observer: poolObserver,
    refreshSlowdown: () => loopLag.slowdown(),
  });
  await pool.load();
  const coordinator = storage.coordinator ?? null;
  const clusterSync = coordinator
    ? await startClusterSync({ coordinator, pool, config, records: storage.records, logger })
    : null;
  const jobs = startBackgroundJobs({
    pool,
    config: () => config.get(),
    logger,
    syncImported: imported !== null && imported.added > 0,
    schedulerTickMs: options.schedulerTickMs,
    cluster: coordinator
      ? {
          tryLock: (name, ttlMs) => coordinator.tryLock(name, ttlMs),
          coolingAccounts: () => storage.accounts.list({ status: 'cooling' }),
        }
      : undefined,
  });
  const instance = { id: randomUUID(), startedAt: Date.now(), jobs };

  const settings = config.get();
  if (!settings.app.api_key || (Array.isArray(settings.app.api_key) && settings.app.api_key.length === 0)) {
    logger.warn(
      'app.api_key is empty: /v1 routes are open to anyone who can reach this port. Set app.api_key or GROK2API_APP_API_KEY.',
    );
  }
  if (settings.app.function_enabled && settings.app.function_key === '') {
    logger.warn(
      'app.function_enabled is on without app.function_key: the playground asks for a console sign-in or an API key.',
    );
  }
  if (settings.app.app_key === 'grok2api') {
    logger.warn('app.app_key is still the default password "grok2api": change it before exposing the admin API.');
  }

  const sockets = new SocketRoutes();
  const app = createApp({
    config,
    storage,
    pool,
    grok,
    logger,
    dataDir,
    metrics,
    upstreamHealth,
    instance,
    capture,
    clearance,
    sockets,
  });
  const limitOptions = { config: () => config.get() };
  const handle = webPolicy(
    limitUndeclaredBodies((request) => app.handle(request), limitOptions),
    () => config.get(),
  );

  return {
    app,
    handle,
    sockets,
    config,
    logger,
    storage,
    pool,
    instance,
    stopBackground() {
      jobs.stopAll();
      loopLag.stop();
      clearance.stop();
      clusterSync?.stop();
    },
    async close() {
      await pool.settle(); // charges of the last requests are written before the store closes
      await storage.close();
    },
  };
}
