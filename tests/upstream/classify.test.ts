import { describe, expect, test } from 'bun:test';
import {
  classifyHttpFailure,
  classifyInBandError,
  isCloudflareChallenge,
  parseRetryAfter,
} from '../../src/upstream/grok/classify';

const CHALLENGE_PAGE =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge-platform</body></html>';
const html = { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare' };
const json = { 'content-type': 'application/json', server: 'cloudflare' };

describe('classifyHttpFailure', () => {
  test.each([
    ['Cloudflare interstitial', 403, html, CHALLENGE_PAGE, 'cloudflare_challenge', 'none', true],
    ['403 with an empty body', 403, {}, '', 'cloudflare_challenge', 'none', true],
    [
      '403 HTML without markers',
      403,
      { 'content-type': 'text/html' },
      '<html><body>denied</body></html>',
      'cloudflare_challenge',
      'none',
      true,
    ],
    [
      'Cloudflare server with a non-JSON type',
      400,
      { server: 'cloudflare', 'content-type': 'text/plain' },
      'nope',
      'cloudflare_challenge',
      'none',
      true,
    ],
    ['challenge page served with 503', 503, html, CHALLENGE_PAGE, 'cloudflare_challenge', 'none', true],
    [
      '403 JSON anti-bot',
      403,
      json,
      '{"error":{"message":"Request rejected by anti-bot rules.","code":7,"details":[]}}',
      'anti_bot',
      'none',
      true,
    ],
    [
      '403 JSON moderation',
      403,
      json,
      '{"error":{"code":"content-moderated","message":"rejected"}}',
      'content_moderated',
      'none',
      false,
    ],
    [
      '403 JSON blocked user',
      403,
      json,
      '{"code":7,"message":"User is blocked [WKE=unauthorized:blocked-user]","details":[]}',
      'account_blocked',
      'disable',
      true,
    ],
    [
      '400 invalid credentials counts toward the threshold outside the probe',
      400,
      json,
      '{"error":"invalid-credentials"}',
      'unauthorized',
      'auth_failure',
      true,
    ],
    ['401 empty', 401, {}, '', 'unauthorized', 'auth_failure', true],
    [
      '401 from Cloudflare HTML is still about the token',
      401,
      html,
      '<html>x</html>',
      'unauthorized',
      'auth_failure',
      true,
    ],
    [
      '401 "unauthenticated" outside the probe',
      401,
      json,
      '{"error":"unauthenticated"}',
      'unauthorized',
      'auth_failure',
      true,
    ],
    [
      '401 "token expired" counts toward the threshold outside the probe',
      401,
      json,
      '{"message":"token expired"}',
      'unauthorized',
      'auth_failure',
      true,
    ],
    ['429', 429, json, '{"error":{"message":"too many requests"}}', 'rate_limited', 'cool', true],
    ['429 usage limit', 429, json, '{"error":{"message":"usage limit reached"}}', 'usage_limit', 'cool', true],
    ['500', 500, json, '{}', 'server_error', 'none', true],
    ['502 Cloudflare origin error page', 502, html, '<html>Bad gateway</html>', 'server_error', 'none', true],
    ['404', 404, json, '{}', 'bad_request', 'none', false],
    ['400', 400, json, '{"error":{"message":"bad field"}}', 'bad_request', 'none', false],
  ])('%s', (_name, status, headers, body, code, accountEffect, retryable) => {
    const error = classifyHttpFailure(status, new Headers(headers), body);
    expect(error).toMatchObject({ code, accountEffect, retryable, status });
  });

  test.each([
    ['{"error":"unauthorized"}', 'expire'],
    ['{"message":"Not logged in"}', 'expire'],
    ['{"error":"bad-credentials"}', 'expire'],
    ['{"message":"token expired"}', 'expire'],
    ['', 'auth_failure'],
    ['{"error":"something else"}', 'auth_failure'],
  ])('rate-limits probe 401 %j → %s', (body, accountEffect) => {
    const error = classifyHttpFailure(401, new Headers(json), body, { rateLimitProbe: true });
    expect(error).toMatchObject({ code: 'unauthorized', accountEffect });
  });

  test('429 carries Retry-After in seconds', () => {
    expect(classifyHttpFailure(429, new Headers({ 'retry-after': '17' }), '').retryAfterSeconds).toBe(17);
    const date = new Headers({ 'retry-after': new Date(1_000_030_000).toUTCString() });
    expect(classifyHttpFailure(429, date, '', { nowSeconds: 1_000_000 }).retryAfterSeconds).toBe(30);
    expect(classifyHttpFailure(429, new Headers(), '').retryAfterSeconds).toBeUndefined();
  });

  test('messages quote the upstream explanation but never the token', () => {
    const error = classifyHttpFailure(400, new Headers(json), '{"error":{"message":"bad cookie sso=secret-token-1"}}', {
      purpose: 'chat',
      secrets: ['secret-token-1'],
    });
    expect(error.message).toBe('chat: HTTP 400 request refused (bad cookie sso=[redacted])');
  });

  test('parseRetryAfter ignores garbage', () => {
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('1.5', 0)).toBe(1.5);
  });
});

/** Every branch, boundary and marker, with the exact message a log line will carry. */
describe('classifyHttpFailure branch by branch', () => {
  const plain = { 'content-type': 'application/json' };
  const classify = (status: number, body: string, options: Parameters<typeof classifyHttpFailure>[3] = {}) =>
    classifyHttpFailure(status, new Headers(plain), body, options);
  const summary = (error: ReturnType<typeof classifyHttpFailure>) => ({
    code: error.code,
    accountEffect: error.accountEffect,
    retryable: error.retryable,
    message: error.message,
    status: error.status,
  });

  test.each(['blocked-user', 'User is blocked', 'email-domain-rejected', 'Account suspended'])(
    'block marker %j disables the account on any 4xx but 429',
    (marker) => {
      for (const status of [400, 403, 499]) {
        expect(summary(classify(status, JSON.stringify({ message: marker })))).toEqual({
          code: 'account_blocked',
          accountEffect: 'disable',
          retryable: true,
          message: `upstream: HTTP ${status} account blocked (${marker})`,
          status,
        });
      }
      expect(classify(429, JSON.stringify({ message: marker })).code).toBe('rate_limited');
      expect(classify(500, JSON.stringify({ message: marker })).code).toBe('server_error');
      expect(classify(399, JSON.stringify({ message: marker })).code).toBe('bad_request');
    },
  );

  test.each([
    'invalid-credentials',
    'bad-credentials',
    'failed to look up session id',
    'Session not found',
    'token revoked',
    'token expired',
  ])('dead-session marker %j: a failure toward the threshold, an expiry on the probe', (marker) => {
    const body = JSON.stringify({ error: marker });
    for (const status of [400, 403, 499]) {
      expect(summary(classify(status, body))).toEqual({
        code: 'unauthorized',
        accountEffect: 'auth_failure',
        retryable: true,
        message: `upstream: HTTP ${status} session no longer valid (${marker})`,
        status,
      });
      expect(classify(status, body, { rateLimitProbe: true }).accountEffect).toBe('expire');
    }
    expect(classify(429, body).code).toBe('rate_limited');
    expect(classify(500, body).code).toBe('server_error');
    expect(classify(399, body).code).toBe('bad_request');
  });

  test('a 401 names a confirmed expiry only on the probe with a known marker', () => {
    expect(summary(classify(401, '{"error":"unauthenticated"}', { rateLimitProbe: true }))).toEqual({
      code: 'unauthorized',
      accountEffect: 'expire',
      retryable: true,
      message: 'upstream: HTTP 401 session expired (unauthenticated)',
      status: 401,
    });
    expect(summary(classify(401, '{"error":"unauthenticated"}'))).toEqual({
      code: 'unauthorized',
      accountEffect: 'auth_failure',
      retryable: true,
      message: 'upstream: HTTP 401 unauthorized (unauthenticated)',
      status: 401,
    });
    expect(classify(401, '{"error":"nope"}', { rateLimitProbe: true }).message).toBe(
      'upstream: HTTP 401 unauthorized (nope)',
    );
  });

  test.each(['challenge-platform', 'Just a moment', '__cf_chl_tk', 'cf-chl-bypass'])(
    'challenge marker %j is a Cloudflare challenge whatever the status but 401',
    (marker) => {
      for (const status of [400, 403, 429, 503]) {
        expect(summary(classifyHttpFailure(status, new Headers(plain), `<p>${marker}</p>`))).toEqual({
          code: 'cloudflare_challenge',
          accountEffect: 'none',
          retryable: true,
          message: `upstream: HTTP ${status} Cloudflare challenge`,
          status,
        });
      }
    },
  );

  test('a non-JSON answer from Cloudflare below 500 is a challenge; at 500 and above a server error', () => {
    const cloudflareText = new Headers({ server: 'CloudFlare', 'content-type': 'text/plain' });
    expect(classifyHttpFailure(404, cloudflareText, 'gone').code).toBe('cloudflare_challenge');
    expect(classifyHttpFailure(500, cloudflareText, 'down').code).toBe('server_error');
    expect(classifyHttpFailure(404, new Headers({ server: 'cloudflare' }), 'gone').code).toBe('cloudflare_challenge');
    expect(classifyHttpFailure(404, new Headers({ server: 'nginx', 'content-type': 'text/plain' }), 'gone').code).toBe(
      'bad_request',
    );
    expect(
      classifyHttpFailure(404, new Headers({ server: 'cloudflare', 'content-type': 'Application/JSON' }), '{}').code,
    ).toBe('bad_request');
  });

  test('a 403 with an empty or HTML body is a challenge; with any other body the anti-bot check', () => {
    for (const body of ['', '   ', '  <!DOCTYPE html><p>x</p>', '<HTML><p>x</p>']) {
      expect(classifyHttpFailure(403, new Headers(), body).code).toBe('cloudflare_challenge');
    }
    for (const body of ['denied', '{"error":{"message":"Request rejected"}}', 'x<html>']) {
      expect(classifyHttpFailure(403, new Headers(), body).code).toBe('anti_bot');
    }
    expect(summary(classify(403, '{"error":{"message":"Request rejected"}}'))).toEqual({
      code: 'anti_bot',
      accountEffect: 'none',
      retryable: true,
      message: 'upstream: HTTP 403 rejected by anti-bot rules (Request rejected)',
      status: 403,
    });
    expect(classifyHttpFailure(404, new Headers(), '').code).toBe('bad_request');
  });

  test('a 429 is a rate limit, or a usage limit with its markers; both cool the account', () => {
    expect(summary(classify(429, '{"message":"slow down"}'))).toEqual({
      code: 'rate_limited',
      accountEffect: 'cool',
      retryable: true,
      message: 'upstream: HTTP 429 rate limited (slow down)',
      status: 429,
    });
    for (const marker of ['Usage limit', 'usage quota', 'out of credits']) {
      expect(summary(classify(429, JSON.stringify({ message: marker })))).toEqual({
        code: 'usage_limit',
        accountEffect: 'cool',
        retryable: true,
        message: `upstream: HTTP 429 usage limit reached (${marker})`,
        status: 429,
      });
    }
  });

  test.each([
    'content-moderated',
    'Content moderation',
    'content policy',
    'content violates usage guidelines',
    'SAFETY_CHECK_TYPE_X',
  ])('moderation marker %j refuses the request on 400 and 403 only', (marker) => {
    const body = JSON.stringify({ message: marker });
    for (const status of [400, 403]) {
      expect(summary(classify(status, body))).toEqual({
        code: 'content_moderated',
        accountEffect: 'none',
        retryable: false,
        message: `upstream: HTTP ${status} content moderated (${marker})`,
        status,
      });
    }
    expect(classify(404, body).code).toBe('bad_request');
    expect(classify(422, body).code).toBe('bad_request');
  });

  test('5xx is a retryable server error; other statuses a refused request', () => {
    expect(summary(classify(500, '{"error":"boom"}', { purpose: 'upload' }))).toEqual({
      code: 'server_error',
      accountEffect: 'none',
      retryable: true,
      message: 'upload: HTTP 500 server error (boom)',
      status: 500,
    });
    expect(classify(599, '').code).toBe('server_error');
    expect(summary(classify(499, ''))).toEqual({
      code: 'bad_request',
      accountEffect: 'none',
      retryable: false,
      message: 'upstream: HTTP 499 request refused',
      status: 499,
    });
  });

  test('any status carries the Retry-After it was given', () => {
    const headers = new Headers({ ...plain, 'retry-after': '9' });
    expect(classifyHttpFailure(503, headers, '').retryAfterSeconds).toBe(9);
    expect(classifyHttpFailure(401, headers, '').retryAfterSeconds).toBe(9);
    expect(classifyHttpFailure(403, headers, '{"error":"blocked-user"}').retryAfterSeconds).toBe(9);
  });

  test('an HTTP-date Retry-After is measured from the real clock by default', () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    const seconds = classifyHttpFailure(429, new Headers({ 'retry-after': inAnHour }), '').retryAfterSeconds!;
    expect(seconds).toBeGreaterThan(3_590);
    expect(seconds).toBeLessThanOrEqual(3_600);
  });

  test('the explanation is read from each JSON error shape, cleaned, and cut at 200 characters', () => {
    expect(classify(400, '{"error":{"message":"nested"}}').message).toBe('upstream: HTTP 400 request refused (nested)');
    expect(classify(400, '{"message":"flat"}').message).toBe('upstream: HTTP 400 request refused (flat)');
    expect(classify(400, '{"error":"plain"}').message).toBe('upstream: HTTP 400 request refused (plain)');
    expect(classify(400, '{"error":{"code":3}}').message).toBe('upstream: HTTP 400 request refused');
    expect(classify(400, '{"message":""}').message).toBe('upstream: HTTP 400 request refused');
    expect(classify(400, 'not json').message).toBe('upstream: HTTP 400 request refused');
    expect(classify(400, JSON.stringify({ message: '\u0001 line\n\tbreak\u007f ' })).message).toBe(
      'upstream: HTTP 400 request refused (line break)',
    );
    const exact = 'x'.repeat(200);
    expect(classify(400, JSON.stringify({ message: exact })).message).toBe(
      `upstream: HTTP 400 request refused (${exact})`,
    );
    expect(classify(400, JSON.stringify({ message: `${exact}yz` })).message).toBe(
      `upstream: HTTP 400 request refused (${exact}…)`,
    );
  });

  test('every secret is redacted; an empty secret is ignored', () => {
    const error = classify(400, '{"message":"a=one b=two a=one"}', { secrets: ['', 'one', 'two'] });
    expect(error.message).toBe('upstream: HTTP 400 request refused (a=[redacted] b=[redacted] a=[redacted])');
  });
});

describe('isCloudflareChallenge', () => {
  test('a 401 is never a challenge, even with challenge markers', () => {
    expect(isCloudflareChallenge(401, new Headers({ server: 'cloudflare' }), 'challenge-platform')).toBe(false);
    expect(isCloudflareChallenge(400, new Headers(), 'challenge-platform')).toBe(true);
  });

  test('without markers a 5xx is not a challenge, even from Cloudflare', () => {
    expect(isCloudflareChallenge(500, new Headers({ server: 'cloudflare' }), '')).toBe(false);
    expect(isCloudflareChallenge(499, new Headers({ server: 'cloudflare' }), '')).toBe(true);
  });

  test('only a 403 is judged by its body', () => {
    expect(isCloudflareChallenge(403, new Headers(), '')).toBe(true);
    expect(isCloudflareChallenge(404, new Headers(), '')).toBe(false);
    expect(isCloudflareChallenge(404, new Headers(), '<html>')).toBe(false);
  });
});

describe('parseRetryAfter formats', () => {
  test('delta-seconds, trimmed, with or without a fraction', () => {
    expect(parseRetryAfter('120', 0)).toBe(120);
    expect(parseRetryAfter(' 17 ', 0)).toBe(17);
    expect(parseRetryAfter('1.25', 0)).toBe(1.25);
  });

  test('absent, empty or unreadable values give no wait', () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
    for (const value of ['abc17', '17abc', 'x1.5', '1.5x', '1a5', '15.'])
      expect(parseRetryAfter(value, 0)).toBeUndefined();
  });

  test('an HTTP date counts from now, and a date in the past means no wait', () => {
    const date = new Date(2_000_000_000).toUTCString();
    expect(parseRetryAfter(date, 1_999_990)).toBe(10);
    expect(parseRetryAfter(date, 2_000_100)).toBe(0);
  });
});

describe('classifyInBandError', () => {
  const summary = (error: ReturnType<typeof classifyInBandError>) => ({
    code: error.code,
    accountEffect: error.accountEffect,
    retryable: error.retryable,
    message: error.message,
  });

  test.each(['blocked-user', 'User is blocked', 'email-domain-rejected', 'account suspended'])(
    '%j disables the account',
    (marker) => {
      expect(summary(classifyInBandError({ code: 7, message: ` ${marker} ` }))).toEqual({
        code: 'account_blocked',
        accountEffect: 'disable',
        retryable: true,
        message: `chat stream: account blocked (${marker})`,
      });
    },
  );

  test('code 7 or an anti-bot marker is the anti-bot check', () => {
    const antiBot = {
      code: 'anti_bot' as const,
      accountEffect: 'none' as const,
      retryable: true,
      message: 'chat stream: rejected by anti-bot rules',
    };
    expect(summary(classifyInBandError({ code: 7 }))).toEqual(antiBot);
    expect(classifyInBandError({ message: 'Anti-Bot check' }).code).toBe('anti_bot');
    expect(classifyInBandError({ code: 'ANTI_BOT' }).code).toBe('anti_bot');
    expect(classifyInBandError({ code: 6 }).code).toBe('stream_error');
  });

  test.each(['usage limit', 'Usage quota', 'out of credits'])(
    '%j is a usage limit that cools the account',
    (marker) => {
      expect(summary(classifyInBandError({ code: 8, message: marker }))).toEqual({
        code: 'usage_limit',
        accountEffect: 'cool',
        retryable: true,
        message: `chat stream: usage limit reached (${marker})`,
      });
    },
  );

  test('code 8 or a rate-limit marker is a rate limit', () => {
    expect(summary(classifyInBandError({ code: 8 }))).toEqual({
      code: 'rate_limited',
      accountEffect: 'cool',
      retryable: true,
      message: 'chat stream: rate limited',
    });
    for (const marker of ['Too many requests', 'rate limit hit', 'RATE_LIMIT']) {
      expect(classifyInBandError({ message: marker }).code).toBe('rate_limited');
    }
    expect(classifyInBandError({ code: 'RATE_LIMIT_EXCEEDED' }).code).toBe('rate_limited');
    expect(classifyInBandError({ code: 9 }).code).toBe('stream_error');
  });

  test.each([
    'content-moderated',
    'content moderation',
    'Content policy',
    'content violates usage guidelines',
    'safety_check_type_x',
  ])('%j refuses the request', (marker) => {
    expect(summary(classifyInBandError({ message: marker }))).toEqual({
      code: 'content_moderated',
      accountEffect: 'none',
      retryable: false,
      message: `chat stream: content moderated (${marker})`,
    });
  });

  test('anything else is a retryable stream error; the quoted text is trimmed and cut at 200', () => {
    expect(summary(classifyInBandError({}))).toEqual({
      code: 'stream_error',
      accountEffect: 'none',
      retryable: true,
      message: 'chat stream: upstream reported an error',
    });
    const long = 'y'.repeat(250);
    expect(classifyInBandError({ message: `  ${long}  ` }).message).toBe(
      `chat stream: upstream reported an error (${'y'.repeat(200)})`,
    );
    expect(classifyInBandError({ message: '   ' }).message).toBe('chat stream: upstream reported an error');
  });
});
