import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import { ConversationRunner } from './conversation/conversation-runner';
import { messagesRoutes } from './anthropic/messages-routes';
import { configRoutes } from './admin/config-routes';
import { tokensRoutes } from './admin/tokens-routes';
import { adminModelsRoutes } from './admin/models-routes';
import { transferRoutes } from './admin/transfer/transfer-routes';
import { bearerToken, parseKeyList } from './auth/bearer';
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
import { docsRoutes } from './ops/docs-routes';
import type { UpstreamHealth } from './ops/upstream-health';
import { adminStatusRoutes } from './ops/admin-status-routes';
import type { BackgroundJobs } from './ops/background-jobs';
import { randomUUID } from 'node:crypto';
import { requestLog } from './ops/request-log';
import type { AccountPool } from './pool/account-pool';
import type { Storage } from './storage/types';
import type { GrokClient } from './upstream/grok/client';
import { upstreamWarnings } from './upstream/grok/upstream-warnings';
import { recordRejectedRequest } from './usage/rejected-requests';
import { UsageRecorder } from './usage/usage-recorder';
import { resolveModel } from './catalog/model-aliases';
import { usageRoutes } from './usage/usage-routes';
import { VERSION } from './version';
import { AdminAuth } from './admin-console/session/admin-auth';
import { SessionStore } from './admin-console/session/session-store';
import { sessionRoutes, signInRoute } from './admin-console/session/session-routes';
import { consolePages } from './admin-console/pages/console-pages';
import { adminConsole, createBatchJobs } from './admin-console/console-feature';
import { pythonAdminRoutes } from './admin-console/python-compatible/python-admin-routes';
import { voiceTokenRoute } from './playground/voice-token-route';
import { ClientKeyGuard } from './client-keys/client-key-guard';
import { ClientKeyLimiter } from './client-keys/client-key-limits';
import { ClientKeyStore } from './client-keys/client-key-store';
import { clientKeysRoutes } from './client-keys/client-keys-routes';
import { functionManifestRoute, functionRoutes, requireFunctionAccess } from './playground/function-routes';
import { functionTaskRoutes } from './playground/function-task-routes';
import { FunctionSessions } from './playground/function-sessions';
import { imagineSocketRoute } from './playground/imagine-socket-route';
import type { SocketRoutes } from './http/socket-routes';
import { playgroundPages } from './playground/playground-pages';
import { createMediaServices } from './media/media-feature';
import { mediaRoutes } from './openai/media-routes';
import { ChatCompletionRequestSchema } from './openai/chat/request-schema';
import { ChatCompletionAnswer } from './openai/chat/chat-routes';
import { ImageGenerationBody } from './openai/media-request-docs';
import { requestLimits } from './security/request-limits';
import { acceptingQueryKey, routeGroup, RouteGroups } from './http/route-groups';
import { clientAddressOf, proxyList } from './http/client-address';
import { FailureThrottle } from './security/failure-throttle';
import { throttledPolicy } from './security/throttled-policy';
import type { Config } from './config/schema';

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
  const usageKindOf = (model: string) => {
    const kind = resolveModel(model, config().models.aliases)?.kind;
    return kind === 'image_edit' ? 'image' : kind;
  };
  // Client API: app.api_key or a console-made client key with its limits (src/client-keys).
  const clientKeyStore = new ClientKeyStore(deps.storage.records);
  const clientKeyLimiter = new ClientKeyLimiter();
  const clientKeys = new ClientKeyGuard(
    clientKeyStore,
    clientKeyLimiter,
    () => parseKeyList(config().app.api_key),
    () => config().models.aliases,
  );
  // Admin calls authenticate with Bearer app.app_key or a console session (src/admin-console/session).
  const sessions = new SessionStore(deps.storage.records);
  const adminAuth = new AdminAuth(sessions, () => config().app.app_key);
  const access = createAccessPolicies({ config, records: deps.storage.records, clientKeys, adminAuth });
  const capture = deps.capture ?? new UpstreamCapture({ config });
  // Each feature plugin declares its route group (who may call, its error shape); `groups.add`
  // registers it with the policy of its kind (src/http/route-groups.ts).
  const groups = new RouteGroups({ client: access.client, admin: access.admin, playground: access.playground });

  const turnDependencies = { pool: deps.pool, grok: deps.grok, config, logger: deps.logger, fetch: deps.fetch };
  // One runner for every client API: one concurrency cap on upstream chat calls.
  const conversations = new ConversationRunner({ ...turnDependencies, usage });
  const media = createMediaServices(deps, usage);
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
  deps.sockets?.add(
    imagineSocketRoute(
      functionTasks,
      new FunctionSessions(deps.storage.records),
      acceptingQueryKey(access.playground, 'function_key'),
    ),
  );

  const app: Elysia = new Elysia({ name: 'grok2api' })
    // Every refused generation request counts on the dashboard, not only those a model ran for.
    .use(requestLog(deps.logger, config, (finished) => recordRejectedRequest(usage, finished, usageKindOf)))
    .use(clientKeys.plugin())
    .use(httpMetrics(metrics, undefined, () => config().models.aliases))
    .use(
      errorHandler({
        logger: deps.logger,
        routes: () => app.routes,
        errorShapeOf: (request) => groups.errorShapeOf(request),
      }),
    )
    // Authentication first (nothing of the body is read), then the size limits, then parsing.
    .use(groups.plugin())
    .use(requestLimits({ config }))
    .use(
      groups.add(
        routeGroup(
          { access: 'public' },
          openapi({
            // Only the document: the page is ours (src/ops/docs-routes.ts), with its UI embedded.
            provider: null,
            path: '/docs',
            specPath: '/docs/json',
            documentation: {
              info: {
                title: 'grok2api',
                version: VERSION,
                description: 'OpenAI-compatible gateway in front of a pool of Grok web accounts',
              },
              components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
              security: [{ bearer: [] }],
            },
          }),
        ),
      ),
    )
    .use(groups.add(docsRoutes()))
    .use(
      groups.add(
        healthRoutes({
          storageKind: deps.storage.kind,
          pingStorage: () => deps.storage.ping(),
          activeAccounts: () => Object.values(deps.pool.stats()).reduce((sum, pool) => sum + pool.active, 0),
          upstream: () => deps.upstreamHealth?.state(),
          clearance: deps.clearance ? () => deps.clearance!.report() : undefined,
          warnings: () => upstreamWarnings(config()),
        }),
      ),
    )
    .use(groups.add(rootRoutes()))
    .use(groups.add(metricsRoutes(metrics.registry, config)))
    .use(groups.add(modelsRoutes(modelSources)))
    .use(groups.add(chatRoutes({ ...turnDependencies, conversations, media })))
    .use(groups.add(responsesRoutes({ conversations, records: deps.storage.records })))
    .use(
      groups.add(
        messagesRoutes({
          conversations,
          records: deps.storage.records,
        }),
      ),
    )
    .use(groups.add(mediaRoutes(media)))
    .use(groups.add(tokensRoutes({ pool: deps.pool, storage: deps.storage, config })))
    .use(
      groups.add(
        signInRoute({
          config,
          sessions,
          auth: adminAuth,
          throttle: access.consoleThrottle,
          clientAddress: access.address,
        }),
      ),
    )
    .use(groups.add(sessionRoutes({ config, sessions, auth: adminAuth })))
    .use(groups.add(functionManifestRoute(config)))
    .use(
      groups.add(
        functionRoutes({
          config,
          handle: (request) => app.handle(request),
          trust: (request) => clientKeys.trust(request),
          docs: {
            chatBody: ChatCompletionRequestSchema,
            chatAnswer: ChatCompletionAnswer,
            imageBody: ImageGenerationBody,
          },
        }),
      ),
    )
    .use(groups.add(functionTaskRoutes(functionTasks)))
    .use(groups.add(playgroundPages(config)))
    .use(groups.add(voiceTokenRoute({ config, pool: deps.pool, grok: deps.grok })))
    .use(
      groups.add(
        clientKeysRoutes({
          store: clientKeyStore,
          limiter: clientKeyLimiter,
          records: deps.storage.records,
        }),
      ),
    )
    .use(groups.add(consolePages()))
    .use(
      groups.add(
        pythonAdminRoutes({
          config,
          storage: deps.storage,
          batch,
          instanceId: instance.id,
          cache: media.cache,
        }),
      ),
    )
    .use(groups.add(adminModelsRoutes(modelSources)))
    .use(
      groups.add(
        adminConsole({
          storage: deps.storage,
          pool: deps.pool,
          config,
          logger: deps.logger,
          instanceId: instance.id,
          clientKeys: clientKeyStore,
          jobs: instance.jobs,
          mediaCache: media.cache,
          grok: deps.grok,
          configSources: () => deps.config.sources(),
          batch,
        }),
      ),
    )
    .use(groups.add(configRoutes({ config: deps.config })))
    .use(
      groups.add(
        adminStatusRoutes({
          instanceId: instance.id,
          startedAt: instance.startedAt,
          storageKind: deps.storage.kind,
          pingStorage: () => deps.storage.ping(),
          poolStats: () => deps.pool.stats(),
          upstream: () => deps.upstreamHealth?.state(),
          jobs: () => instance.jobs?.states() ?? [],
          // What the start-up log said about config.toml and the environment stays visible in the console.
          warnings: () => [...upstreamWarnings(config()), ...deps.config.warnings],
        }),
      ),
    )
    .use(
      groups.add(
        diagnosticsRoutes({
          config,
          pool: deps.pool,
          grok: deps.grok,
          capture,
          clearance: deps.clearance,
        }),
      ),
    )
    .use(groups.add(transferRoutes({ storage: deps.storage, pool: deps.pool })))
    .use(groups.add(usageRoutes({ records: deps.storage.records }))) as unknown as Elysia;
  const undeclared = groups.undeclared(app.routes);
  if (undeclared.length > 0) throw new Error(`Routes without a declared route group: ${undeclared.join(', ')}`);
  return app;
}

/** Wrong credentials a client address may present per window, by what they guess. */
export const AUTH_THROTTLES = {
  console: { maxFailures: 5, windowMs: 15 * 60_000 },
  'admin-key': { maxFailures: 10, windowMs: 15 * 60_000 },
  'client-key': { maxFailures: 30, windowMs: 5 * 60_000 },
} as const;

interface AccessPolicyDependencies {
  config: () => Config;
  records: AppDependencies['storage']['records'];
  clientKeys: ClientKeyGuard;
  adminAuth: AdminAuth;
}

/** The three ways in — client API, admin, playground — each with its throttle on wrong credentials. */
function createAccessPolicies({ config, records, clientKeys, adminAuth }: AccessPolicyDependencies) {
  const proxies = new WeakMap<Config, ReturnType<typeof proxyList>>();
  const address = (request: Request) => {
    const current = config();
    let list = proxies.get(current);
    if (!list) proxies.set(current, (list = proxyList(current.app.trusted_proxies)));
    return clientAddressOf(request, list);
  };
  const throttle = (scope: keyof typeof AUTH_THROTTLES) =>
    new FailureThrottle({ scope, records, ...AUTH_THROTTLES[scope] });
  const clientThrottle = throttle('client-key');
  const hasBearer = (request: Request) => bearerToken(request.headers.get('authorization')) !== null;
  const client = throttledPolicy({
    check: (request) => clientKeys.check(request),
    throttle: clientThrottle,
    address,
    presentsCredential: (request) => clientKeys.presentsKey(request),
    trusted: (request) => clientKeys.isTrusted(request),
  });
  const admin = throttledPolicy({
    check: (request) => adminAuth.check(request),
    throttle: throttle('admin-key'),
    address,
    presentsCredential: hasBearer,
  });
  const keyless = {
    signedIn: (request: Request) => adminAuth.signedIn(request),
    hasApiKey: (request: Request) => clientKeys.accepts(request),
    apiIsOpen: () => clientKeys.isOpen(),
  };
  const playground = throttledPolicy({
    check: (request) => requireFunctionAccess(config(), request, keyless),
    throttle: clientThrottle,
    address,
    presentsCredential: (request) => config().app.function_key !== '' && hasBearer(request),
  });
  return { client, admin, playground, address, consoleThrottle: throttle('console') };
}
