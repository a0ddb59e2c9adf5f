import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import { ConversationRunner } from './conversation/conversation-runner';
import { renderAnthropicError } from './anthropic/errors';
import { messagesRoutes } from './anthropic/messages-routes';
import { configRoutes } from './admin/config-routes';
import { tokensRoutes } from './admin/tokens-routes';
import { adminModelsRoutes } from './admin/models-routes';
import { transferRoutes } from './admin/transfer/transfer-routes';
import { parseKeyList } from './auth/bearer';
import type { ConfigStore } from './config/store';
import type { ClearanceRefresher } from './cloudflare/clearance-refresher';
import { diagnosticsRoutes } from './diagnostics/diagnostics-routes';
import { UpstreamCapture } from './diagnostics/upstream-capture';
import { errorHandler } from './http/error-handler';
import type { Logger } from './logging/logger';
import { chatRoutes } from './openai/chat/chat-routes';
import { responsesRoutes } from './openai/responses/responses-routes';
import { modelsRoutes } from './openai/models-routes';
import { createGatewayMetrics, type GatewayMetrics } from './metrics/gateway-metrics';
import { httpMetrics } from './metrics/http-metrics';
import { metricsRoutes } from './metrics/metrics-routes';
import { healthRoutes } from './ops/health-routes';
import { rootRoutes } from './ops/root-routes';
import type { UpstreamHealth } from './ops/upstream-health';
import { adminStatusRoutes } from './ops/admin-status-routes';
import type { BackgroundJobs } from './ops/background-jobs';
import { randomUUID } from 'node:crypto';
import { requestLog } from './ops/request-log';
import type { AccountPool } from './pool/account-pool';
import type { Storage } from './storage/types';
import type { GrokClient } from './upstream/grok/client';
import { UsageRecorder } from './usage/usage-recorder';
import { usageRoutes } from './usage/usage-routes';
import { VERSION } from './version';
import { AdminAuth } from './admin-console/session/admin-auth';
import { LoginThrottle } from './admin-console/session/login-throttle';
import { SessionStore } from './admin-console/session/session-store';
import { sessionRoutes } from './admin-console/session/session-routes';
import { adminConsole, createBatchJobs } from './admin-console/console-feature';
import { pythonAdminRoutes } from './admin/python-compatible/python-admin-routes';
import { voiceTokenRoute } from './playground/voice-token-route';
import { ClientKeyGuard } from './client-keys/client-key-guard';
import { ClientKeyLimiter } from './client-keys/client-key-limits';
import { ClientKeyStore } from './client-keys/client-key-store';
import { clientKeysRoutes } from './client-keys/client-keys-routes';
import { functionRoutes } from './playground/function-routes';
import { functionTaskRoutes } from './playground/function-task-routes';
import { FunctionSessions } from './playground/function-sessions';
import { imagineSocketRoute } from './playground/imagine-socket-route';
import type { SocketRoutes } from './http/socket-routes';
import { playgroundPages } from './playground/playground-pages';
import { createMediaServices, mediaFeature } from './media/media-feature';
import { requestLimits } from './security/request-limits';

export interface AppDependencies {
  config: ConfigStore;
  storage: Storage;
  pool: AccountPool;
  grok: GrokClient;
  logger: Logger;
  /** Fetch for client-supplied attachment URLs; tests inject one. */
  fetch?: typeof fetch;
  /** DATA_DIR: the media cache lives in its tmp/ folder. Default ./data. */
  dataDir?: string;
  /** Made by startServer and shared with the pool observer; made here when a test omits it. */
  metrics?: GatewayMetrics;
  /** Outcomes of recent upstream turns, for /ready. */
  upstreamHealth?: UpstreamHealth;
  /** Who this process is and what it runs in the background, for /v1/admin/status. */
  instance?: { id: string; startedAt: number; jobs?: BackgroundJobs };
  /** The upstream exchange capture the Grok client records into; a new (empty) one when omitted. */
  capture?: UpstreamCapture;
  /** FlareSolverr refresher, reported by /ready and the admin diagnostics. */
  clearance?: ClearanceRefresher;
  /** Where WebSocket routes (the playground's imagine socket) are registered; absent when nothing can upgrade. */
  sockets?: SocketRoutes;
}

/** Composes the feature plugins. Tests build it and call `app.handle` without listening. */
export function createApp(deps: AppDependencies) {
  const config = () => deps.config.get();
  const usage = new UsageRecorder(deps.storage.records, () => config().log.usage_retention_days);
  // Client API: app.api_key or a console-made client key with its limits (src/client-keys).
  const clientKeyStore = new ClientKeyStore(deps.storage.records);
  const clientKeyLimiter = new ClientKeyLimiter();
  const clientKeys = new ClientKeyGuard(
    clientKeyStore,
    clientKeyLimiter,
    () => parseKeyList(config().app.api_key),
    () => config().models.aliases,
  );
  const apiGuard = clientKeys.guard;
  // Admin calls authenticate with Bearer app.app_key or a console session (src/admin-console/session).
  const sessions = new SessionStore(deps.storage.records);
  const adminAuth = new AdminAuth(sessions, () => config().app.app_key);
  const adminGuard = adminAuth.guard;

  const turnDependencies = { pool: deps.pool, grok: deps.grok, config, logger: deps.logger, fetch: deps.fetch };
  // One runner for every client API: one concurrency cap on upstream chat calls.
  const conversations = new ConversationRunner({ ...turnDependencies, usage });
  const media = createMediaServices(deps, apiGuard, usage);
  const metrics = deps.metrics ?? createGatewayMetrics({ poolStats: () => deps.pool.stats() });
  metrics.attach({ mediaCacheBytes: () => media.cache.usageBytes(), jobQueueDepth: () => media.videos.activeJobs() });
  const instance = deps.instance ?? { id: randomUUID(), startedAt: Date.now() };
  const modelSources = { aliases: () => config().models.aliases, servingCheck: () => deps.pool.servingCheck() };
  // One job store and runner for the console's batch jobs and the Python project's task routes.
  const batch = createBatchJobs({ ...deps, config });

  const functionTasks = {
    config,
    records: deps.storage.records,
    handle: (request: Request) => app.handle(request),
    trust: (request: Request) => clientKeys.trust(request),
  };
  deps.sockets?.add(imagineSocketRoute(functionTasks, new FunctionSessions(deps.storage.records)));

  const app: Elysia = new Elysia({ name: 'grok2api' })
    .use(requestLog(deps.logger, config))
    .use(adminAuth.plugin())
    .use(clientKeys.plugin())
    .use(httpMetrics(metrics, undefined, () => config().models.aliases))
    .use(errorHandler({ logger: deps.logger, routes: () => app.routes, renderers: [renderAnthropicError] }))
    .use(requestLimits({ config, render: (error, request) => renderAnthropicError(error, request) ?? error.toResponse() }))
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
        upstream: () => deps.upstreamHealth?.state(),
        clearance: deps.clearance ? () => deps.clearance!.report() : undefined,
      }),
    )
    .use(rootRoutes())
    .use(metricsRoutes(metrics.registry, config))
    .use(modelsRoutes({ guard: apiGuard, ...modelSources }))
    .use(chatRoutes({ ...turnDependencies, guard: apiGuard, conversations, media }))
    .use(responsesRoutes({ conversations, records: deps.storage.records, guard: apiGuard }))
    .use(
      messagesRoutes({
        conversations,
        apiKeys: () => parseKeyList(config().app.api_key),
        guard: apiGuard,
        records: deps.storage.records,
      }),
    )
    .use(mediaFeature(media))
    .use(tokensRoutes({ pool: deps.pool, storage: deps.storage, config, guard: adminGuard }))
    .use(sessionRoutes({ config, sessions, auth: adminAuth, throttle: new LoginThrottle(5, 15 * 60_000) }))
    .use(functionRoutes({ config, handle: (request) => app.handle(request), trust: (request) => clientKeys.trust(request) }))
    .use(functionTaskRoutes(functionTasks))
    .use(playgroundPages(config))
    .use(voiceTokenRoute({ config, pool: deps.pool, grok: deps.grok }))
    .use(clientKeysRoutes({ guard: adminGuard, store: clientKeyStore, limiter: clientKeyLimiter, records: deps.storage.records }))
    .use(adminConsole({ guard: adminGuard, storage: deps.storage, pool: deps.pool, config, logger: deps.logger, instanceId: instance.id, clientKeys: clientKeyStore, jobs: instance.jobs, mediaCache: media.cache, grok: deps.grok, batch }))
    .use(
      pythonAdminRoutes({ guard: adminGuard, config, storage: deps.storage, batch, instanceId: instance.id, cache: media.cache }),
    )
    .use(configRoutes({ config: deps.config, guard: adminGuard }))
    .use(adminModelsRoutes({ guard: adminGuard, ...modelSources }))
    .use(
      adminStatusRoutes({
        guard: adminGuard,
        instanceId: instance.id,
        startedAt: instance.startedAt,
        storageKind: deps.storage.kind,
        pingStorage: () => deps.storage.ping(),
        poolStats: () => deps.pool.stats(),
        upstream: () => deps.upstreamHealth?.state(),
        jobs: () => instance.jobs?.states() ?? [],
      }),
    )
    .use(diagnosticsRoutes({ config, pool: deps.pool, grok: deps.grok, capture: deps.capture ?? new UpstreamCapture({ config }), clearance: deps.clearance, guard: adminGuard }))
    .use(transferRoutes({ guard: adminGuard, storage: deps.storage, pool: deps.pool }))
    .use(usageRoutes({ guard: adminGuard, records: deps.storage.records })) as unknown as Elysia;
  return app;
}
