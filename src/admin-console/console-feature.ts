import type { KeySource } from '../config/store';
import { Elysia } from 'elysia';
import type { Config } from '../config/schema';
import type { Logger } from '../logging/logger';
import type { AccountPool } from '../pool/account-pool';
import type { Storage } from '../storage/types';
import { AccountIds } from './accounts/account-ids';
import { localAccountsOf, type LocalAccounts } from './accounts/account-query';
import { accountsRoutes } from './accounts/accounts-routes';
import { JobRunner } from './jobs/job-runner';
import { JobStore } from './jobs/job-store';
import { jobsRoutes } from './jobs/jobs-routes';
import { configFormRoutes } from './config/config-form-routes';
import { dashboardRoutes } from './dashboard/dashboard-routes';
import { recordPoolSnapshot } from './dashboard/pool-history';
import type { ClientKeyStore } from '../client-keys/client-key-store';
import type { BackgroundJobs } from '../ops/background-jobs';
import type { MediaCache } from '../media/media-cache';
import { mediaAdminRoutes } from './media/media-admin-routes';
import type { GrokClient } from '../upstream/grok/client';
import { accountUpstream, type AccountUpstream } from './accounts/account-upstream';
import { onlineAssetsRoutes } from './media/online-assets-routes';
import { routeGroup } from '../http/route-groups';

export interface ConsoleDependencies {
  storage: Storage;
  pool: AccountPool;
  config: () => Config;
  logger: Logger;
  instanceId: string;
  clientKeys?: ClientKeyStore;
  /** The process's background jobs (absent in tests that build the app alone): samples pool health for the dashboard. */
  jobs?: BackgroundJobs;
  /** The generated-media cache, for the media page. */
  mediaCache?: MediaCache;
  /** Where each config key comes from, for the config page. */
  configSources?: () => Record<string, KeySource>;
  /** The Grok client, for batch actions that call the upstream (enable NSFW). */
  grok?: GrokClient;
}

/** What batch jobs over accounts need; the console's job routes and the Python project's task routes share one. */
export interface BatchJobServices {
  jobs: JobStore;
  runner: JobRunner;
  ids: AccountIds;
  local: LocalAccounts;
  upstream?: AccountUpstream;
}

export function createBatchJobs(
  deps: Pick<ConsoleDependencies, 'storage' | 'pool' | 'config' | 'logger' | 'grok'>,
): BatchJobServices {
  const ids = new AccountIds();
  const local = localAccountsOf(deps.pool);
  const jobs = new JobStore(deps.storage.records);
  const upstream = deps.grok ? accountUpstream(deps.grok, deps.config) : undefined;
  const runner = new JobRunner({
    jobs,
    accounts: deps.storage.accounts,
    pool: deps.pool,
    ids,
    local,
    logger: deps.logger,
    concurrency: (action) => {
      const config = deps.config();
      if (action === 'enable_nsfw') return config.nsfw.concurrent;
      if (action === 'clear_assets' || action === 'count_assets') return config.asset.list_concurrent;
      return config.usage.concurrent;
    },
    upstream,
  });
  return { jobs, runner, ids, local, upstream };
}

/** The admin API routes only the console needs (its pages, public, are consolePages in app.ts). */
export function adminConsole(deps: ConsoleDependencies & { batch?: BatchJobServices }) {
  const { jobs, runner, ids, local, upstream } = deps.batch ?? createBatchJobs(deps);
  deps.jobs?.every('pool_history', 60_000, () =>
    recordPoolSnapshot(deps.storage.records, deps.pool.stats(), Date.now()),
  );
  return routeGroup(
    { access: 'admin' },
    new Elysia({ name: 'admin-console' })
      .use(accountsRoutes({ storage: deps.storage, pool: deps.pool, ids }))
      .use(jobsRoutes({ jobs, runner, instanceId: deps.instanceId }))
      .use(onlineAssetsRoutes({ accounts: deps.storage.accounts, ids, local, upstream }))
      .use(configFormRoutes(deps.configSources))
      .use(
        dashboardRoutes({
          records: deps.storage.records,
          pool: deps.pool,
          clientKeys: deps.clientKeys,
        }),
      )
      .use(
        deps.mediaCache ? mediaAdminRoutes({ cache: deps.mediaCache }) : new Elysia({ name: 'admin-console-media' }),
      ),
  );
}
