import { afterAll, afterEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema';
import { eventually, startCluster, type Cluster } from '../helpers/cluster-harness';

// Instances that poll the store (SQLite, MySQL) read one shared config record every second. Two
// changes inside one second — the clearance refresher's cookies followed by an operator's edit,
// say — must both arrive, and so must a change another instance made just before this one's.

const root = mkdtempSync(join(tmpdir(), 'grok2api-config-bursts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cluster: Cluster | null = null;
let stores = 0;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

async function start() {
  cluster = await startCluster({
    storageType: 'sqlite',
    storageUrl: join(root, `shared-${stores++}.sqlite`),
    upstreamAccounts: [{ token: 'acct-a', tier: 'basic' }],
    accounts: [{ token: 'acct-a', pool: 'ssoBasic', quota: 50 }],
  });
  return cluster;
}

const update = (running: Cluster, instance: number, patch: unknown) =>
  running
    .admin(instance, '/v1/admin/config', { method: 'POST', body: JSON.stringify(patch) })
    .then((response) => expect(response.status).toBe(200));
const configOf = async (running: Cluster, instance: number) =>
  (await (await running.admin(instance, '/v1/admin/config?reveal=true')).json()) as Config;

test('two changes on one instance within a poll interval both reach the other', async () => {
  const running = await start();
  await update(running, 0, { proxy: { cf_clearance: 'burst-clearance', user_agent: 'Burst/1.0' } });
  await update(running, 0, { token: { max_inflight_per_account: 7 } });
  const arrived = async () => {
    const other = await configOf(running, 1);
    return (
      other.token.max_inflight_per_account === 7 &&
      other.proxy.cf_clearance === 'burst-clearance' &&
      other.proxy.user_agent === 'Burst/1.0'
    );
  };
  expect(await eventually(arrived, 5_000)).toBe(true);
});

test('changes on both instances within a poll interval reach both', async () => {
  const running = await start();
  await update(running, 0, { proxy: { cf_clearance: 'from-zero' } });
  await update(running, 1, { token: { max_inflight_per_account: 9 } });
  const both = async (instance: number) => {
    const config = await configOf(running, instance);
    return config.proxy.cf_clearance === 'from-zero' && config.token.max_inflight_per_account === 9;
  };
  expect(await eventually(async () => (await both(0)) && (await both(1)), 5_000)).toBe(true);
});
