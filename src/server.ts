import type { Logger } from './logging/logger';
import type { AccountPool } from './pool/account-pool';
import { rememberClientAddress } from './http/client-address';
import { openGateway } from './gateway';

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
  /** The account pool, for tests and benchmarks that check leases and counters (bench/soak.ts). */
  pool: AccountPool;
}

/** Where a newcomer goes first: the start-up log and the demo banner print these. */
export function pageUrls(url: string, playgroundEnabled: boolean) {
  return {
    console: `${url}/admin`,
    playground: playgroundEnabled ? `${url}/playground` : 'off (app.function_enabled)',
    docs: `${url}/docs`,
  };
}

/** The gateway (src/gateway.ts) behind Bun.serve. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const env = options.env;
  const gateway = await openGateway({ env, logger: options.logger, schedulerTickMs: options.schedulerTickMs });
  const { logger, storage } = gateway;
  const port = options.port ?? Number(env.SERVER_PORT || 8000);
  const hostname = options.hostname ?? (env.SERVER_HOST || '0.0.0.0');
  // Per-route limits (src/security/request-limits.ts) answer in JSON in the route's error shape, for
  // declared and chunked bodies alike, before a byte is read, so Bun's own cap (a bare 413 without
  // JSON) is lifted: every body passes those checks first.
  const maxRequestBodySize = Number.MAX_SAFE_INTEGER;
  const server = Bun.serve({
    // A WebSocket route (the playground's imagine socket) upgrades; everything else goes to the app.
    fetch: async (request, bunServer) => {
      const socket = await gateway.sockets.upgrade(request, bunServer);
      // The socket address is known only here: it is recorded for the throttles (src/http/client-address.ts).
      return socket === null
        ? gateway.handle(rememberClientAddress(request, bunServer.requestIP(request)?.address))
        : socket;
    },
    websocket: gateway.sockets.websocket,
    port,
    hostname,
    reusePort: options.reusePort,
    idleTimeout: 255,
    maxRequestBodySize,
  });
  const url = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${server.port}`;
  const accounts = await storage.accounts.count();
  const pages = pageUrls(url, gateway.config.get().app.function_enabled);
  logger.info('grok2api listening', {
    url,
    ...pages,
    storage: storage.kind,
    dataDir: gateway.config.dataDir,
    accounts,
    instance: gateway.instance.id,
  });

  return {
    url,
    port: server.port ?? port,
    pool: gateway.pool,
    async stop(graceMs = 30_000) {
      gateway.stopBackground();
      const drained = server.stop(false);
      await Promise.race([drained, Bun.sleep(graceMs)]);
      server.stop(true);
      await gateway.close(); // charges of the last requests are written before the store closes
    },
  };
}
