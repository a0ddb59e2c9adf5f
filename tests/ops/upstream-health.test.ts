import { expect, test } from 'bun:test';
import { BackgroundJobs } from '../../src/ops/background-jobs';
import { UpstreamHealth } from '../../src/ops/upstream-health';
import { UpstreamError, type UpstreamErrorCode } from '../../src/upstream/errors';

const failure = (code: UpstreamErrorCode) =>
  new UpstreamError({ code, message: code, retryable: true, accountEffect: 'none' });

test('an outage needs the threshold of upstream-wide failures in a row, recent ones, and ends with a success', () => {
  let now = 1_000_000;
  const health = new UpstreamHealth({ clock: () => now, threshold: 3, windowMs: 60_000 });
  health.recordFailure(failure('server_error'));
  health.recordFailure(failure('timeout'));
  expect(health.state().outage).toBe(false);
  // Account or request problems say nothing about Grok as a whole.
  health.recordFailure(failure('rate_limited'));
  health.recordFailure(failure('unauthorized'));
  health.recordFailure(failure('content_moderated'));
  expect(health.state()).toMatchObject({ outage: false, consecutiveFailures: 2 });
  health.recordFailure(failure('network'));
  expect(health.state()).toMatchObject({ outage: true, consecutiveFailures: 3, lastFailureKind: 'network' });
  now += 60_001;
  expect(health.state().outage).toBe(false); // nothing recent: no longer claimed
  health.recordFailure(failure('cloudflare_challenge'));
  expect(health.state().outage).toBe(true);
  health.recordSuccess();
  expect(health.state()).toMatchObject({ outage: false, consecutiveFailures: 0, lastSuccessAt: now });
});

test('background jobs record runs, results and failures, and never overlap', async () => {
  let now = 0;
  const jobs = new BackgroundJobs(() => (now += 5));
  await jobs.once('import', async () => ({ ok: 2 }));
  let release!: () => void;
  const slow = jobs.once('slow', () => new Promise<void>((resolve) => (release = resolve)));
  expect(jobs.states().find((job) => job.name === 'slow')!.running).toBe(true);
  expect(() => jobs.once('slow', async () => {})).toThrow('registered twice');
  release();
  await slow;
  jobs.every('tick', 60_000, async () => {
    throw new Error('upstream down');
  });
  await jobs.runNow('tick', async () => {
    throw new Error('upstream down');
  });
  jobs.stopAll();
  const states = Object.fromEntries(jobs.states().map((job) => [job.name, job]));
  expect(states.import).toMatchObject({
    runs: 1,
    failures: 0,
    lastResult: { ok: 2 },
    lastDurationMs: 5,
    running: false,
    intervalSeconds: null,
  });
  expect(states.slow).toMatchObject({ runs: 1, running: false });
  expect(states.tick).toMatchObject({ runs: 1, failures: 1, lastError: 'upstream down', intervalSeconds: 60 });
});
