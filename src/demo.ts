import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageUrls, startServer } from './server';
import { startSimulator, type VideoProtocols } from './simulator/server';

/**
 * Demo mode: a local Grok simulator plus the gateway pointed at it, so a newcomer sees real
 * answers without Grok accounts. Data goes to ./data/demo, never mixed with real accounts.
 */

const DEMO_TOKEN = 'demo-account-token';

const dataDir = process.env.DATA_DIR || './data/demo';
mkdirSync(dataDir, { recursive: true });
const tokenFile = join(dataDir, 'token.json');
if (!existsSync(join(dataDir, 'grok2api.db')) && !existsSync(tokenFile)) {
  writeFileSync(tokenFile, JSON.stringify({ ssoBasic: [DEMO_TOKEN], ssoSuper: [`${DEMO_TOKEN}-super`] }));
}

const simulator = await startSimulator({
  port: Number(process.env.SIMULATOR_PORT || 0),
  acceptUnknownTokens: true,
  accounts: [
    { token: DEMO_TOKEN, tier: 'basic' },
    { token: `${DEMO_TOKEN}-super`, tier: 'super' },
  ],
  tokenDelayMs: 30,
  // Like the current upstream release, video in the current form only (text-to-video up to 15 s);
  // SIMULATOR_VIDEO_PROTOCOLS=both also takes the legacy form (longer videos, image-to-video).
  videoProtocols: (process.env.SIMULATOR_VIDEO_PROTOCOLS || undefined) as VideoProtocols | undefined,
});
// The demo listens on loopback unless told otherwise. The playground is on: open on loopback, behind a
// fresh key (printed below) when SERVER_HOST exposes it to the network.
const host = process.env.SERVER_HOST || '127.0.0.1';
const loopback = ['127.0.0.1', 'localhost', '::1'].includes(host);
const playgroundKey = process.env.GROK2API_APP_FUNCTION_KEY ?? (loopback ? '' : randomBytes(12).toString('base64url'));
const server = await startServer({
  env: {
    ...process.env,
    SERVER_HOST: host,
    GROK2API_APP_FUNCTION_ENABLED: process.env.GROK2API_APP_FUNCTION_ENABLED ?? 'true',
    GROK2API_APP_FUNCTION_KEY: playgroundKey,
    // No LiveKit server here: the voice page says so instead of dialling one.
    GROK2API_VOICE_LIVEKIT_URL: process.env.GROK2API_VOICE_LIVEKIT_URL ?? '',
    DATA_DIR: dataDir,
    LOG_FILE_ENABLED: 'false',
    GROK_BASE_URL: simulator.url,
    GROK_ASSETS_URL: simulator.url,
    GROK_ACCOUNTS_URL: simulator.url,
  },
});

const pages = pageUrls(server.url, true);
console.log(`
grok2api demo: the gateway at ${server.url} talks to a Grok simulator at ${simulator.url}.
  Console     ${pages.console}   (password: grok2api, change it under Config → app)
  Playground  ${pages.playground}${playgroundKey ? `   (key: ${playgroundKey})` : ''}
  API docs    ${pages.docs}
Voice needs the real Grok service (LiveKit); the simulator answers chat, images and video only.
Try:
  curl ${server.url}/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"grok-4.1-fast","messages":[{"role":"user","content":"Hello"}],"stream":true}'
`);

const shutdown = async () => {
  await server.stop(5_000);
  await simulator.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
