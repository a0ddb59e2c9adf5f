import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { silentLogger, type Logger } from '../../src/logging/logger';
import { startServer, type RunningServer } from '../../src/server';
import {
  startSimulator,
  type Simulator,
  type SimulatorAccount,
  type SimulatorOptions,
} from '../../src/simulator/server';

export const API_KEY = 'sk-test-gateway';
export const APP_KEY = 'admin-test-password';

/** The two chat protocols (`upstream.chat_transport`); e2e suites run once per transport. */
export type ChatTransport = 'rest' | 'ws';
export const CHAT_TRANSPORTS: readonly ChatTransport[] = ['rest', 'ws'];

export interface Harness {
  transport: ChatTransport;
  simulator: Simulator;
  server: RunningServer;
  client: OpenAI;
  dataDir: string;
  /** fetch against the gateway with the API key (unless headers override it). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** fetch against the admin API with the admin key. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Accounts known to the simulator and imported into the gateway (pool by tier). */
  accounts?: (SimulatorAccount & { pool?: string })[];
  simulator?: SimulatorOptions;
  /** Extra environment (e.g. GROK2API_CHAT_STREAM_TIMEOUT); a function gets the running simulator. */
  env?: Record<string, string> | ((simulator: Simulator) => Record<string, string>);
  /** Contents of DATA_DIR/config.toml. */
  configToml?: string;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Default 'rest'. */
  transport?: ChatTransport;
}

/** A simulator and a gateway pointed at it, on free ports, with a temporary data folder. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const accounts = options.accounts ?? [{ token: 'account-basic-1', tier: 'basic' }];
  const simulator = await startSimulator({ ...options.simulator, accounts });
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-test-'));
  const pools: Record<string, string[]> = {};
  for (const account of accounts) {
    const pool = account.pool ?? (account.tier === 'basic' || account.tier === undefined ? 'ssoBasic' : 'ssoSuper');
    (pools[pool] ??= []).push(account.token);
  }
  if (accounts.length > 0) writeFileSync(join(dataDir, 'token.json'), JSON.stringify(pools));
  if (options.configToml) writeFileSync(join(dataDir, 'config.toml'), options.configToml);
  const server = await startServer({
    env: {
      DATA_DIR: dataDir,
      LOG_FILE_ENABLED: 'false',
      GROK_BASE_URL: simulator.url,
      GROK_ASSETS_URL: simulator.url,
      GROK_ACCOUNTS_URL: simulator.url,
      GROK2API_APP_API_KEY: API_KEY,
      GROK2API_APP_APP_KEY: APP_KEY,
      GROK2API_TOKEN_AUTO_REFRESH: 'false',
      GROK2API_UPSTREAM_CHAT_TRANSPORT: options.transport ?? 'rest',
      ...(typeof options.env === 'function' ? options.env(simulator) : options.env),
    },
    port: 0,
    hostname: '127.0.0.1',
    logger: options.logger ?? silentLogger,
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0, timeout: 20_000 });
  const withKey =
    (key: string) =>
    (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
  return {
    transport: options.transport ?? 'rest',
    simulator,
    server,
    client,
    dataDir,
    api: withKey(API_KEY),
    admin: withKey(APP_KEY),
    async stop() {
      await server.stop(1_000);
      await simulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const REST_CHAT_PATH = '/rest/app-chat/conversations/new';
const GATEWAY_PATH = '/ws/mgw/';

/** Where a chat turn arrives upstream, e.g. to aim a fault at it. */
export function chatPath(transport: ChatTransport): string {
  return transport === 'ws' ? GATEWAY_PATH : REST_CHAT_PATH;
}

/** The upstream chat calls (REST posts and gateway handshakes) the simulator received, in order. */
export function chatCalls(simulator: Simulator) {
  return simulator.requests.filter(
    (request) =>
      (request.method === 'POST' && request.path === REST_CHAT_PATH) ||
      (request.method === 'GET' && request.path === GATEWAY_PATH),
  );
}

export interface SentTurn {
  token: string | undefined;
  message: string;
  /** `modeId` over REST, `session.model` over the gateway. */
  mode: string | undefined;
}

/** The prompt and mode of each chat turn sent upstream, whichever transport carried it. */
export function sentTurns(simulator: Simulator): SentTurn[] {
  const turns: SentTurn[] = [];
  let mode: string | undefined;
  for (const request of simulator.requests) {
    const body = request.body as Record<string, any> | null;
    if (request.method === 'POST' && request.path === REST_CHAT_PATH && body) {
      turns.push({ token: request.cookies.sso, message: body.message, mode: body.modeId });
    } else if (request.method === 'WS' && body?.event?.type === 'session.create') {
      mode = body.event.session?.model;
    } else if (request.method === 'WS' && body?.event?.type === 'conversation.item.create') {
      const chunks = (body.event.item?.x_grok?.input_chunks ?? []) as { text?: { text: string } }[];
      turns.push({ token: request.cookies.sso, message: chunks.find((chunk) => chunk.text)?.text?.text ?? '', mode });
    }
  }
  return turns;
}

/** Status and failure count of the harness's one account, as the admin API reports them. */
export async function soleAccountState(h: Harness): Promise<{ status: string; fail_count: number }> {
  const body = (await (await h.admin('/v1/admin/tokens')).json()) as {
    tokens: Record<string, { status: string; fail_count: number }[]>;
  };
  const [account] = Object.values(body.tokens).flat();
  return { status: account!.status, fail_count: account!.fail_count };
}
