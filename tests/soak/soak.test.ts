import { expect, test } from 'bun:test';
import type { SoakReport } from '../../bench/soak';

// The short form of bench/soak.ts (see there for the long one), run as its own process so its
// fetch limit and memory figures are its own: 100 streaming clients for 3 s with faults every 50 ms.
test('soak: concurrent streams with aborts and upstream faults leave no leaked lease, stuck stream or wrong charge', async () => {
  const child = Bun.spawn([process.execPath, 'bench/soak.ts'], {
    env: { ...process.env, SOAK_SECONDS: '3', SOAK_CLIENTS: '100', SOAK_FAULT_EVERY_MS: '50', SOAK_SEED: '11' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [output, errors, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const line = output.split('\n').find((row) => row.startsWith('SOAK_REPORT '));
  if (!line) throw new Error(`no soak report; exit ${code}\n${output}\n${errors}`);
  const report = JSON.parse(line.slice('SOAK_REPORT '.length)) as SoakReport;
  console.log(`soak: ${JSON.stringify(report)}`);
  expect(report.completed).toBeGreaterThan(0);
  expect(report.aborted).toBeGreaterThan(0);
  expect(report.upstreamErrors).toBeGreaterThan(0); // the faults reached clients, so the checks below mean something
  expect(report.stuck).toBe(0);
  expect(report.otherStatuses.network ?? 0).toBe(0); // no client waited out its 60 s timeout
  expect(report.leakedInFlight).toEqual({});
  expect(report.streamsInFlight).toBe(0);
  expect(report.chargeWithinBounds).toBe(true);
  expect(report.accountsChargedBeyondUpstream).toEqual([]);
  expect(report.heapEndMb - report.heapStartMb).toBeLessThan(32);
  expect(code).toBe(0);
}, 120_000);
