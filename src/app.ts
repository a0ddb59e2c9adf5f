import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import { configRoutes } from './admin/config-routes';
import { tokensRoutes } from './admin/tokens-routes';
import { transferRoutes } from './admin/transfer/transfer-routes';
import { parseKeyList, requireBearer } from './auth/bearer';
import type { ConfigStore } from './config/store';
import { errorHandler } from './http/error-handler';
import type { Logger } from './logging/logger';
import { chatRoutes } from './openai/chat/chat-routes';
import { ApiError } from './openai/errors';
import { modelsRoutes } from './openai/models-routes';
import { healthRoutes } from './ops/health-routes';
import { requestLog } from './ops/request-log';
import type { AccountPool } from './pool/account-pool';
import type { Storage } from './storage/types';
import type { GrokClient } from './upstream/grok/client';
import { UsageRecorder } from './usage/usage-recorder';
import { usageRoutes } from './usage/usage-routes';
import { VERSION } from './version';

export interface AppDependencies {
  config: ConfigStore;
  storage: Storage;
  pool: AccountPool;
  grok: GrokClient;
  logger: Logger;
  /** Fetch for client-supplied attachment URLs; tests inject one. */
  fetch?: typeof fetch;
}

/** Composes the feature plugins. Tests build it and call `app.handle` without listening. */
export function createApp(deps: AppDependencies) {
  const config = () => deps.config.get();
  const usage = new UsageRecorder(deps.storage.records, () => config().log.usage_retention_days);
  const apiGuard = (request: Request) => requireBearer(request.headers.get('authorization'), parseKeyList(config().app.api_key));
  const adminGuard = (request: Request) => {
    const appKey = config().app.app_key;
    if (!appKey) throw new ApiError({ status: 401, message: 'App key is not configured.', code: 'invalid_api_key' });
    requireBearer(request.headers.get('authorization'), [appKey]);
  };

  const app: Elysia = new Elysia({ name: 'grok2api' })
    .use(requestLog(deps.logger, config))
    .use(errorHandler({ logger: deps.logger, routes: () => app.routes }))
    .use(
      openapi({
        path: '/docs',
        specPath: '/docs/json',
        documentation: {
          info: { title: 'grok2api', version: VERSION, description: 'OpenAI-compatible gateway in front of a pool of Grok web accounts' },
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
          security: [{ bearer: [] }],
        },
      }),
    )
    .use(
      healthRoutes({
        storageKind: deps.storage.kind,
        pingStorage: () => deps.storage.ping(),
        activeAccounts: () => Object.values(deps.pool.stats()).reduce((sum, pool) => sum + pool.active, 0),
      }),
    )
    .use(modelsRoutes(apiGuard))
    .use(chatRoutes({ pool: deps.pool, grok: deps.grok, config, logger: deps.logger, fetch: deps.fetch, guard: apiGuard, usage }))
    .use(tokensRoutes({ pool: deps.pool, storage: deps.storage, config }))
    .use(configRoutes({ config: deps.config, guard: adminGuard }))
    .use(transferRoutes({ guard: adminGuard, storage: deps.storage, pool: deps.pool }))
    .use(usageRoutes({ guard: adminGuard, records: deps.storage.records })) as unknown as Elysia;
  return app;
}
