import { describe, expect, test } from 'bun:test';
import { UpstreamError, type UpstreamErrorOptions } from '../../src/upstream/errors';
import { retryDelaySeconds, withRetry, type RetryEnvironment } from '../../src/upstream/retry';
import { testConfig } from './test-config';

const settings = testConfig().retry; // max 3 attempts, codes 401/429/403/502, base 0.5, factor 2, max 20, budget 60

function recordingEnvironment(randomValues: number[]) {
  const sleeps: number[] = [];
  let index = 0;
  const environment: RetryEnvironment = {
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
    random: () => randomValues[index++ % randomValues.length],
  };
  return { sleeps, environment };
}

const failure = (options: Partial<UpstreamErrorOptions>) =>
  new UpstreamError({ code: 'server_error', message: 'x', retryable: true, accountEffect: 'none', ...options });

describe('retryDelaySeconds', () => {
  test('Retry-After wins, capped at retry_backoff_max', () => {
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, retryAfterSeconds: 3, settings, random: () => 0.5 })).toBe(3);
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, retryAfterSeconds: 90, settings, random: () => 0.5 })).toBe(20);
  });

  test('429: decorrelated jitter between base and three times the last delay', () => {
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, settings, random: () => 0 })).toBe(0.5);
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, settings, random: () => 1 })).toBe(1.5);
    expect(retryDelaySeconds({ retryIndex: 1, status: 429, previousDelaySeconds: 4, settings, random: () => 0.5 })).toBe(6.25);
    expect(retryDelaySeconds({ retryIndex: 5, status: 429, previousDelaySeconds: 19, settings, random: () => 1 })).toBe(20);
  });

  test('others: full jitter on base × factor^attempt', () => {
    expect(retryDelaySeconds({ retryIndex: 0, status: 502, settings, random: () => 1 })).toBe(0.5);
    expect(retryDelaySeconds({ retryIndex: 2, status: 502, settings, random: () => 0.5 })).toBe(1);
    expect(retryDelaySeconds({ retryIndex: 10, status: 502, settings, random: () => 1 })).toBe(20);
    expect(retryDelaySeconds({ retryIndex: 3, status: 403, settings, random: () => 0 })).toBe(0);
  });
});

describe('withRetry', () => {
  test('retries listed statuses up to max_retry attempts, sleeping the computed delays', async () => {
    const { sleeps, environment } = recordingEnvironment([1]);
    let attempts = 0;
    const error = await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 502 });
      },
      { settings, environment },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502 });
    expect(attempts).toBe(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  test('transport failures count as 502 and succeed on a later attempt', async () => {
    const { sleeps, environment } = recordingEnvironment([0.5]);
    let attempts = 0;
    const result = await withRetry(
      async () => {
        if (++attempts < 3) throw failure({ code: 'network' });
        return 'ok';
      },
      { settings, environment },
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([250, 500]);
  });

  test.each([
    ['an unlisted status', failure({ status: 500 })],
    ['a confirmed expired token', failure({ status: 401, code: 'unauthorized', accountEffect: 'expire' })],
    ['a blocked account', failure({ status: 403, code: 'account_blocked', accountEffect: 'disable' })],
    ['a non-retryable failure', failure({ status: 403, code: 'content_moderated', retryable: false })],
  ])('does not retry %s', async (_name, error) => {
    const { sleeps, environment } = recordingEnvironment([0.5]);
    let attempts = 0;
    await withRetry(
      async () => {
        attempts++;
        throw error;
      },
      { settings, environment },
    ).catch(() => {});
    expect(attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  test('stops when the next sleep would exceed the budget', async () => {
    const { sleeps, environment } = recordingEnvironment([0]);
    let attempts = 0;
    await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 429, retryAfterSeconds: 15 });
      },
      { settings: { ...settings, max_retry: 10, retry_budget: 40 }, environment },
    ).catch(() => {});
    expect(sleeps).toEqual([15000, 15000]);
    expect(attempts).toBe(3);
  });

  test('runs beforeRetry between attempts', async () => {
    const { environment } = recordingEnvironment([0]);
    const seen: string[] = [];
    await withRetry(
      async () => {
        throw failure({ status: 403, code: 'anti_bot' });
      },
      { settings, environment, beforeRetry: (error) => seen.push(error.code) },
    ).catch(() => {});
    expect(seen).toEqual(['anti_bot', 'anti_bot']);
  });
});
