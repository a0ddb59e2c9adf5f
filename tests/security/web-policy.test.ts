import { DOCS_CSP } from '../../src/ops/docs-routes';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';

const SECURITY = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY)) expect(response.headers.get(name)).toBe(value);
}

const preflight = (harness: Harness, path: string, origin: string) =>
  fetch(`${harness.server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS and security headers with the defaults', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());

  test('/v1 allows any origin, without credentials', async () => {
    const answer = await preflight(harness, '/v1/chat/completions', 'https://somewhere.example');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await fetch(`${harness.server.url}/v1/models`, {
      headers: { origin: 'https://somewhere.example', authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expectSecurityHeaders(response);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  test('the admin API allows no other origin', async () => {
    const answer = await preflight(harness, '/v1/admin/tokens', 'https://somewhere.example');
    expect(answer.status).toBe(403);
    expect((await answer.json()).error.code).toBe('cors_origin_not_allowed');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const response = await fetch(`${harness.server.url}/v1/admin/tokens`, {
      headers: { origin: 'https://somewhere.example', authorization: `Bearer ${APP_KEY}` },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expectSecurityHeaders(response);
  });

  test('errors, unknown routes, streams and the health check carry the security headers', async () => {
    const unauthorized = await fetch(`${harness.server.url}/v1/models`);
    expect(unauthorized.status).toBe(401);
    expectSecurityHeaders(unauthorized);
    const missing = await fetch(`${harness.server.url}/nope`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    expectSecurityHeaders(await fetch(`${harness.server.url}/health`));
    const stream = await harness.api('/v1/chat/completions', {
      method: 'POST',
      headers: { origin: 'https://somewhere.example' },
      body: JSON.stringify({ model: 'grok-4', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expectSecurityHeaders(stream);
    expect(stream.headers.get('access-control-allow-origin')).toBe('*');
    expect(await stream.text()).toContain('[DONE]');
  });

  test('an HTML page keeps its own content security policy (the JSON one is not forced on it)', async () => {
    const docs = await fetch(`${harness.server.url}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    // /docs has its own (tests/security/07-docs-offline.test.ts).
    expect(docs.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expectSecurityHeaders(docs);
  });
});

describe('CORS with configured origins', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      configToml: '[cors]\napi_origins = ["https://app.example"]\nadmin_origins = ["https://ops.example"]\n',
    });
  });
  afterAll(() => harness.stop());

  test('only listed origins are echoed, with Vary: Origin', async () => {
    const allowed = await fetch(`${harness.server.url}/v1/models`, {
      headers: { origin: 'https://app.example', authorization: `Bearer ${API_KEY}` },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await fetch(`${harness.server.url}/v1/models`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${API_KEY}` },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(harness, '/v1/chat/completions', 'https://evil.example')).status).toBe(403);
    expect((await preflight(harness, '/v1/admin/tokens', 'https://app.example')).status).toBe(403);
    const admin = await preflight(harness, '/v1/admin/tokens', 'https://ops.example');
    expect(admin.status).toBe(204);
    expect(admin.headers.get('access-control-allow-origin')).toBe('https://ops.example');
  });
});
