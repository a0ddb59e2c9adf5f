/**
 * CPU profile of the gateway's per-request work: the simulator and the gateway run in their own
 * processes (the gateway under `bun --cpu-prof-md`), and this process sends sequential
 * non-streaming chat requests, so the profile holds the gateway's overhead and little else.
 *
 *   ./node_modules/.bin/bun bench/profile-gateway.ts            # 3000 requests
 *   PROFILE_REQUESTS=10000 PROFILE_STREAM=1 ./node_modules/.bin/bun bench/profile-gateway.ts
 *
 * Prints where the Markdown profile was written (sorted by self time).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './child-process';

const REQUESTS = Number(process.env.PROFILE_REQUESTS || 3000);
const STREAM = process.env.PROFILE_STREAM === '1';
const bun = process.execPath;


const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-profile-'));
const profileDir = join(dataDir, 'profile');
const tokens = Array.from({ length: 4 }, (_, index) => `profile-account-${index}`);
writeFileSync(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: tokens.map((token) => ({ token, quota: 1_000_000_000 })) }));
const simulator = await startProcess([bun, 'src/simulator/main.ts'], { SIMULATOR_PORT: '0' }, /listening on (http:\/\/\S+)/);
for (const token of tokens) {
  await fetch(`${simulator.url}/__simulator/accounts`, { method: 'POST', body: JSON.stringify({ token, tier: 'basic', quotas: { fast: { total: 1_000_000_000, windowSeconds: 86_400 } } }) });
}
const gateway = await startProcess(
  [bun, '--cpu-prof-md', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=100', 'src/index.ts'],
  {
    DATA_DIR: dataDir, SERVER_HOST: '127.0.0.1', SERVER_PORT: '0', LOG_FILE_ENABLED: 'false', LOG_LEVEL: 'info',
    GROK_BASE_URL: simulator.url, GROK_ASSETS_URL: simulator.url, GROK_ACCOUNTS_URL: simulator.url,
    GROK2API_APP_API_KEY: 'profile-key', GROK2API_TOKEN_AUTO_REFRESH: 'false',
  },
  /"url":"(http:\/\/[^"]+)"/,
);
const body = JSON.stringify({ model: 'grok-4.1-fast', stream: STREAM, messages: [{ role: 'user', content: 'Summarise a short story in three sentences.' }] });
for (let index = 0; index < REQUESTS; index++) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer profile-key' }, body });
  await response.text();
}
gateway.child.kill('SIGTERM');
simulator.child.kill('SIGTERM');
await Promise.all([gateway.child.exited, simulator.child.exited]);
console.log(`profile of ${REQUESTS} ${STREAM ? 'streaming' : 'non-streaming'} requests: ${readdirSync(profileDir).map((name) => join(profileDir, name)).join(', ')}`);
