import { expect, test } from 'bun:test';
import { AccountIds } from '../../src/admin-console/accounts/account-ids';
import type { BatchJob } from '../../src/admin-console/jobs/batch-job';
import { JobRunner } from '../../src/admin-console/jobs/job-runner';
import { JobStore } from '../../src/admin-console/jobs/job-store';
import { silentLogger } from '../../src/logging/logger';
import type { AccountPool } from '../../src/pool/account-pool';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage';

test('a cancel written by another instance stops the job between chunks, and the progress is in storage', async () => {
  const storage = openSqliteStorage({ path: ':memory:' });
  await storage.accounts.insert(
    Array.from({ length: 20 }, (_, index) => ({ token: `cancel-token-${index}`, pool: 'ssoBasic' })),
  );
  const runningOn = new JobStore(storage.records);
  const otherInstance = new JobStore(storage.records);
  let release: () => void = () => {};
  let synced = 0;
  // Only the sync calls matter to the runner; the rest of the pool is unused here.
  const pool = {
    async sync(token: string) {
      synced += 1;
      if (synced === 4) await new Promise<void>((resolve) => (release = resolve));
      return storage.accounts.get(token);
    },
  } as unknown as AccountPool;
  const runner = new JobRunner({
    jobs: runningOn,
    accounts: storage.accounts,
    pool,
    ids: new AccountIds(),
    logger: silentLogger,
    concurrency: () => 1,
  });
  const job: BatchJob = {
    id: runningOn.newId(),
    action: 'refresh',
    target: { filter: {} },
    status: 'running',
    total: 0,
    processed: 0,
    succeeded: 0,
    failed: 0,
    errors: [],
    owner: 'instance-a',
    createdAt: Date.now(),
    heartbeatAt: Date.now(),
    finishedAt: null,
  };
  await runningOn.save(job);
  const done = runner.run(job);
  for (let attempt = 0; attempt < 2_000 && synced < 4; attempt += 1) await Bun.sleep(5);
  expect(synced).toBe(4);
  // Another instance sees the first chunk's progress in storage and asks to cancel.
  const seen = await otherInstance.get(job.id);
  expect(seen).toMatchObject({ status: 'running', total: 20 });
  await otherInstance.requestCancel(job.id);
  release();
  await done;
  const final = await otherInstance.get(job.id);
  expect(final).toMatchObject({ status: 'cancelled', processed: 4, succeeded: 4 });
  expect(synced).toBe(4);
  await storage.close();
});
