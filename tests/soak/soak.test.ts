import { expect, test } from 'bun:test';
import { runSoak } from '../../bench/soak';

// The short form of bench/soak.ts (see there for the long one): 100 streaming clients for 3 s.
test('soak: concurrent streams with aborts and upstream faults leave no leaked lease, stuck stream or wrong charge', async () => {
  const report = await runSoak({ durationMs: 3000, clients: 100, faultEveryMs: 50, seed: 11 });
  console.log(`soak: ${JSON.stringify(report)}`);
  expect(report.completed).toBeGreaterThan(0);
  expect(report.aborted).toBeGreaterThan(0);
  expect(report.upstreamErrors).toBeGreaterThan(0); // the faults reached clients, so the checks below mean something
  expect(report.stuck).toBe(0);
  expect(report.leakedInFlight).toEqual({});
  expect(report.streamsInFlight).toBe(0);
  expect(report.chargeWithinBounds).toBe(true);
  expect(report.accountsChargedBeyondUpstream).toEqual([]);
  expect(report.heapEndMb - report.heapStartMb).toBeLessThan(32);
}, 120_000);
