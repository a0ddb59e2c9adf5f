import { describe, expect, test } from 'bun:test';
import { UpstreamError, type UpstreamErrorOptions } from '../../src/upstream/errors';
import {
  chatRetrySettings,
  effectiveStatus,
  isRetryableHere,
  realRetryEnvironment,
  retryDelaySeconds,
  withRetry,
  type RetryEnvironment,
} from '../../src/upstream/retry';
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
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, retryAfterSeconds: 3, settings, random: () => 0.5 })).toBe(
      3,
    );
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, retryAfterSeconds: 90, settings, random: () => 0.5 })).toBe(
      20,
    );
  });

  test('429: decorrelated jitter between base and three times the last delay', () => {
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, settings, random: () => 0 })).toBe(0.5);
    expect(retryDelaySeconds({ retryIndex: 0, status: 429, settings, random: () => 1 })).toBe(1.5);
    expect(
      retryDelaySeconds({ retryIndex: 1, status: 429, previousDelaySeconds: 4, settings, random: () => 0.5 }),
    ).toBe(6.25);
    expect(retryDelaySeconds({ retryIndex: 5, status: 429, previousDelaySeconds: 19, settings, random: () => 1 })).toBe(
      20,
    );
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

describe('retry policy boundaries', () => {
  test.each([
    ['network', 502],
    ['timeout', 502],
    ['stream_error', 502],
    ['stream_truncated', 502],
    ['anti_bot', 403],
    ['cloudflare_challenge', 403],
    ['account_blocked', 403],
    ['rate_limited', 429],
    ['usage_limit', 429],
    ['unauthorized', 401],
    ['server_error', undefined],
    ['bad_response', undefined],
    ['content_moderated', undefined],
  ] as const)('a %s failure without a status counts as %p', (code, status) => {
    expect(effectiveStatus(failure({ code }))).toBe(status);
  });

  test('an HTTP status wins over the code', () => {
    expect(effectiveStatus(failure({ code: 'network', status: 503 }))).toBe(503);
  });

  test('retryable here: listed status, retryable, and not an expired or disabled account', () => {
    expect(isRetryableHere(failure({ status: 502 }), settings)).toBe(true);
    expect(isRetryableHere(failure({ status: 502, accountEffect: 'cool' }), settings)).toBe(true);
    expect(isRetryableHere(failure({ status: 502, accountEffect: 'expire' }), settings)).toBe(false);
    expect(isRetryableHere(failure({ status: 502, accountEffect: 'disable' }), settings)).toBe(false);
    expect(isRetryableHere(failure({ status: 502, retryable: false }), settings)).toBe(false);
    expect(isRetryableHere(failure({ status: 500 }), settings)).toBe(false);
    expect(isRetryableHere(failure({ code: 'content_moderated' }), settings)).toBe(false);
  });

  test('chat settings drop 429 and keep everything else', () => {
    expect(chatRetrySettings({ ...settings, retry_status_codes: [401, 429, 403, 502] })).toEqual({
      ...settings,
      retry_status_codes: [401, 403, 502],
    });
  });

  test('a Retry-After of 0 means retry at once; a negative one is ignored', () => {
    expect(retryDelaySeconds({ retryIndex: 0, status: 502, retryAfterSeconds: 0, settings, random: () => 1 })).toBe(0);
    expect(retryDelaySeconds({ retryIndex: 0, status: 502, retryAfterSeconds: -1, settings, random: () => 1 })).toBe(
      0.5,
    );
  });

  test('429 jitter never goes below the base, even after a shorter delay', () => {
    expect(
      retryDelaySeconds({ retryIndex: 1, status: 429, previousDelaySeconds: 0.1, settings, random: () => 1 }),
    ).toBe(0.5);
    expect(retryDelaySeconds({ retryIndex: 1, status: 429, previousDelaySeconds: 1, settings, random: () => 1 })).toBe(
      3,
    );
  });

  test('a sleep that fills the budget exactly is still taken', async () => {
    const { sleeps, environment } = recordingEnvironment([0]);
    let attempts = 0;
    await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 429, retryAfterSeconds: 20 });
      },
      { settings: { ...settings, max_retry: 10, retry_budget: 40 }, environment },
    ).catch(() => {});
    expect(sleeps).toEqual([20000, 20000]);
    expect(attempts).toBe(3);
  });

  test('429 delays decorrelate from the previous delay actually slept', async () => {
    const { sleeps, environment } = recordingEnvironment([1]);
    await withRetry(
      async () => {
        throw failure({ status: 429 });
      },
      { settings: { ...settings, max_retry: 4 }, environment },
    ).catch(() => {});
    expect(sleeps).toEqual([1500, 4500, 13500]);
  });

  test('max_retry 1 means a single attempt', async () => {
    const { sleeps, environment } = recordingEnvironment([0]);
    let attempts = 0;
    await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 502 });
      },
      { settings: { ...settings, max_retry: 1 }, environment },
    ).catch(() => {});
    expect(attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  test('each attempt is numbered; the first success is returned', async () => {
    const { environment } = recordingEnvironment([0]);
    const seen: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 2) throw failure({ status: 502 });
        return attempt;
      },
      { settings, environment },
    );
    expect(result).toBe(2);
    expect(seen).toEqual([1, 2]);
  });

  test('alsoRequire can refuse a retry the settings allow', async () => {
    const { sleeps, environment } = recordingEnvironment([0]);
    let attempts = 0;
    const error = await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 502, accountEffect: 'auth_failure' });
      },
      { settings, environment, alsoRequire: (caught) => caught.accountEffect === 'none' },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, accountEffect: 'auth_failure' });
    expect(attempts).toBe(1);
    expect(sleeps).toEqual([]);
    let allowed = 0;
    await withRetry(
      async () => {
        allowed++;
        throw failure({ status: 502 });
      },
      { settings, environment, alsoRequire: (caught) => caught.accountEffect === 'none' },
    ).catch(() => {});
    expect(allowed).toBe(3);
  });

  test('errors that are not upstream failures are thrown at once', async () => {
    const { environment } = recordingEnvironment([0]);
    let attempts = 0;
    const thrown = new TypeError('bug');
    const error = await withRetry(
      async () => {
        attempts++;
        throw thrown;
      },
      { settings, environment },
    ).catch((caught: unknown) => caught);
    expect(error).toBe(thrown);
    expect(attempts).toBe(1);
  });

  test('an aborted signal stops before the next attempt', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const environment: RetryEnvironment = {
      sleep: async () => controller.abort(new Error('client left')),
      random: () => 0,
    };
    const error = await withRetry(
      async () => {
        attempts++;
        throw failure({ status: 502 });
      },
      { settings, environment, signal: controller.signal },
    ).catch((caught: unknown) => caught);
    expect(attempts).toBe(1);
    expect(error).toMatchObject({ message: 'client left' });
  });

  test('the real environment sleeps on a timer and draws in [0, 1)', async () => {
    const sleep = realRetryEnvironment.sleep(1);
    expect(sleep).toBeInstanceOf(Promise);
    await sleep;
    const value = realRetryEnvironment.random();
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(1);
  });
});
