import { describe, expect, test } from 'bun:test';
import { classifyHttpFailure, parseRetryAfter } from '../../src/upstream/grok/classify';

const CHALLENGE_PAGE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge-platform</body></html>';
const html = { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare' };
const json = { 'content-type': 'application/json', server: 'cloudflare' };

describe('classifyHttpFailure', () => {
  test.each([
    ['Cloudflare interstitial', 403, html, CHALLENGE_PAGE, 'cloudflare_challenge', 'none', true],
    ['403 with an empty body', 403, {}, '', 'cloudflare_challenge', 'none', true],
    ['403 HTML without markers', 403, { 'content-type': 'text/html' }, '<html><body>denied</body></html>', 'cloudflare_challenge', 'none', true],
    ['Cloudflare server with a non-JSON type', 400, { server: 'cloudflare', 'content-type': 'text/plain' }, 'nope', 'cloudflare_challenge', 'none', true],
    ['challenge page served with 503', 503, html, CHALLENGE_PAGE, 'cloudflare_challenge', 'none', true],
    ['403 JSON anti-bot', 403, json, '{"error":{"message":"Request rejected by anti-bot rules.","code":7,"details":[]}}', 'anti_bot', 'none', true],
    ['403 JSON moderation', 403, json, '{"error":{"code":"content-moderated","message":"rejected"}}', 'content_moderated', 'none', false],
    ['403 JSON blocked user', 403, json, '{"code":7,"message":"User is blocked [WKE=unauthorized:blocked-user]","details":[]}', 'account_blocked', 'disable', true],
    ['400 invalid credentials counts toward the threshold outside the probe', 400, json, '{"error":"invalid-credentials"}', 'unauthorized', 'auth_failure', true],
    ['401 empty', 401, {}, '', 'unauthorized', 'auth_failure', true],
    ['401 from Cloudflare HTML is still about the token', 401, html, '<html>x</html>', 'unauthorized', 'auth_failure', true],
    ['401 "unauthenticated" outside the probe', 401, json, '{"error":"unauthenticated"}', 'unauthorized', 'auth_failure', true],
    ['401 "token expired" counts toward the threshold outside the probe', 401, json, '{"message":"token expired"}', 'unauthorized', 'auth_failure', true],
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
