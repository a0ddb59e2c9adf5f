import { describe, expect, test } from 'bun:test';
import { planRounds, renderResolution } from '../../src/media/videos/video-plan';
import { settledView, STALE_JOB_MS, type VideoJob } from '../../src/media/videos/video-job';

describe('planRounds (§13.3, P1)', () => {
  const ends = (seconds: number, superAccount: boolean) =>
    planRounds(seconds, superAccount).map((round) => [round.startTime, round.endTime, round.length]);

  test('Basic accounts render 6 s rounds; the last one overlaps instead of being short', () => {
    expect(ends(6, false)).toEqual([[0, 6, 6]]);
    expect(ends(15, false)).toEqual([
      [0, 6, 6],
      [6, 12, 6],
      [9, 15, 6],
    ]);
    expect(ends(30, false)).toHaveLength(5);
  });

  test('Super accounts render 10 s rounds from 10 s on', () => {
    expect(ends(8, true)).toEqual([
      [0, 6, 6],
      [2, 8, 6],
    ]);
    expect(ends(10, true)).toEqual([[0, 10, 10]]);
    expect(ends(25, true)).toEqual([
      [0, 10, 10],
      [10, 20, 10],
      [15, 25, 10],
    ]);
  });

  test('720p on Basic renders 480p and upscales', () => {
    expect(renderResolution('720p', false)).toEqual({ render: '480p', upscale: true });
    expect(renderResolution('720p', true)).toEqual({ render: '720p', upscale: false });
    expect(renderResolution('480p', false)).toEqual({ render: '480p', upscale: false });
  });
});

test('settledView reports an unfinished job without a recent heartbeat as interrupted', () => {
  const job = { status: 'in_progress', heartbeat_at: 1_000_000, created_at: 1_000 } as VideoJob;
  expect(settledView(job, 1_000_000 + STALE_JOB_MS).status).toBe('in_progress');
  expect(settledView(job, 1_000_001 + STALE_JOB_MS)).toMatchObject({
    status: 'failed',
    error: { code: 'job_interrupted' },
  });
  expect(settledView({ ...job, status: 'completed' }, Number.MAX_SAFE_INTEGER).status).toBe('completed');
});
