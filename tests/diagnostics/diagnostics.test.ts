import { afterEach, describe, expect, test } from 'bun:test';
import { CHAT_TRANSPORTS, startHarness, type Harness } from '../helpers/gateway-harness';

// The admin diagnostics: the step-by-step probe and the capture bundle, through the real HTTP API.

const TOKEN = 'account-diagnostics-0123456789';
let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

type Step = { name: string; status: string; detail: string; error?: { code: string }; hint?: string };
type Report = { ok: boolean; account: string; transport: string; steps: Step[] };

async function probe(h: Harness, body: object = {}): Promise<{ status: number; text: string; report: Report }> {
  const response = await h.admin('/v1/admin/diagnostics/probe', { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, report: JSON.parse(text) as Report };
}

const statuses = (report: Report) => Object.fromEntries(report.steps.map((step) => [step.name, step.status]));

describe.each(CHAT_TRANSPORTS)('probe over %s', (transport) => {
  test('a healthy account passes every step, ending with a tiny chat', async () => {
    harness = await startHarness({ transport, accounts: [{ token: TOKEN, tier: 'basic' }] });
    const { status, text, report } = await probe(harness);
    expect(status).toBe(200);
    expect(statuses(report)).toEqual({ connect: 'ok', cloudflare: 'ok', session: 'ok', rate_limits: 'ok', chat: 'ok' });
    expect(report.ok).toBe(true);
    expect(report.transport).toBe(transport);
    expect(report.steps.find((step) => step.name === 'chat')!.detail).toContain('Hello from the Grok simulator');
    expect(text).not.toContain(TOKEN);
    expect(report.account).not.toBe(TOKEN);
  });
});

describe('probe failures', () => {
  test('a Cloudflare challenge is named with what to do', async () => {
    harness = await startHarness({
      accounts: [{ token: TOKEN, tier: 'basic' }],
      simulator: { requireCfClearance: 'clear-me' },
    });
    const { report } = await probe(harness, { chat: false });
    expect(statuses(report)).toMatchObject({ connect: 'ok', cloudflare: 'failed', session: 'failed', chat: 'skipped' });
    const cloudflare = report.steps.find((step) => step.name === 'cloudflare')!;
    expect(cloudflare.error!.code).toBe('cloudflare_challenge');
    expect(cloudflare.hint).toContain('cf_clearance');
  });

  test('an expired account fails at the session step; the pool does not hear about it', async () => {
    harness = await startHarness({ accounts: [{ token: TOKEN, tier: 'basic', expired: true }] });
    const { report } = await probe(harness);
    expect(statuses(report)).toMatchObject({ connect: 'ok', cloudflare: 'ok', session: 'failed', chat: 'skipped' });
    expect(report.steps.find((step) => step.name === 'session')!.error!.code).toBe('unauthorized');
    const tokens = (await (await harness.admin('/v1/admin/tokens')).json()) as {
      tokens: Record<string, { status: string; fail_count: number }[]>;
    };
    expect(Object.values(tokens.tokens).flat()[0]).toMatchObject({ status: 'active', fail_count: 0 });
  });

  test('an unreachable upstream stops at connect and skips the rest', async () => {
    harness = await startHarness({
      accounts: [{ token: TOKEN, tier: 'basic' }],
      env: { GROK_BASE_URL: 'http://127.0.0.1:9' },
    });
    const { report } = await probe(harness);
    expect(statuses(report)).toEqual({
      connect: 'failed',
      cloudflare: 'skipped',
      session: 'skipped',
      rate_limits: 'skipped',
      chat: 'skipped',
    });
    expect(report.steps[0]!.error!.code).toBe('network');
    expect(report.steps[0]!.hint).toContain('proxy');
  });

  test('admin key required; an account outside the pool is a 400 naming token', async () => {
    harness = await startHarness({ accounts: [{ token: TOKEN, tier: 'basic' }] });
    const anonymous = await harness.api('/v1/admin/diagnostics/probe', { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const { status, report } = await probe(harness, { token: 'not-in-pool' });
    expect(status).toBe(400);
    expect((report as unknown as { error: { param: string } }).error.param).toBe('token');
  });
});

describe.each(CHAT_TRANSPORTS)('capture over %s', (transport) => {
  const ask = (h: Harness) =>
    h.api('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'capture me please' }] }),
    });

  test('off by default: nothing is kept', async () => {
    harness = await startHarness({ transport, accounts: [{ token: TOKEN, tier: 'basic' }] });
    await ask(harness);
    const bundle = (await (await harness.admin('/v1/admin/diagnostics/capture')).json()) as {
      capture: { enabled: boolean };
      exchanges: unknown[];
    };
    expect(bundle.capture.enabled).toBe(false);
    expect(bundle.exchanges).toEqual([]);
  });

  test('when enabled: the last N exchanges, secrets redacted, bodies truncated, as a download', async () => {
    harness = await startHarness({ transport, accounts: [{ token: TOKEN, tier: 'basic' }] });
    const enable = await harness.admin('/v1/admin/config', {
      method: 'POST',
      body: JSON.stringify({ diagnostics: { capture_enabled: true, capture_size: 3, capture_body_bytes: 64 } }),
    });
    expect(enable.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await ask(harness)).status).toBe(200);

    const response = await harness.admin('/v1/admin/diagnostics/capture');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="grok2api-capture-.+\.json"$/);
    const raw = await response.text();
    expect(raw).not.toContain(TOKEN);
    const bundle = JSON.parse(raw) as { upstream: { chatTransport: string }; exchanges: Record<string, any>[] };
    expect(bundle.upstream.chatTransport).toBe(transport);
    expect(bundle.exchanges).toHaveLength(3);
    const chat = bundle.exchanges.filter((exchange) =>
      transport === 'rest' ? exchange.url.endsWith('/conversations/new') : exchange.kind === 'websocket',
    );
    expect(chat.length).toBeGreaterThan(0);
    const last = chat.at(-1)!;
    expect(last.requestHeaders.cookie).toBe(
      `sso=[redacted]; sso-rw=[redacted]${transport === 'ws' ? '; x-userid=[redacted]' : ''}`,
    );
    if (transport === 'rest') {
      expect(last.requestHeaders['x-statsig-id']).toBe('[redacted]');
      expect(last.status).toBe(200);
      expect(last.requestBody).toMatchObject({ truncated: true });
      expect(Buffer.byteLength(last.requestBody.text)).toBeLessThanOrEqual(64);
      expect(last.responseBody.text.length).toBeGreaterThan(0);
    } else {
      const sent = last.messages.filter((message: { direction: string }) => message.direction === 'sent');
      const received = last.messages.filter((message: { direction: string }) => message.direction === 'received');
      expect(sent[0].body.text).toContain('session.create');
      expect(received.length).toBeGreaterThan(0);
      // The close handshake finishes after the answer: poll (bounded) for it.
      let closeCode: number | undefined;
      for (let i = 0; i < 50 && closeCode === undefined; i++) {
        const again = (await (await harness.admin('/v1/admin/diagnostics/capture')).json()) as {
          exchanges: { id: number; closeCode?: number }[];
        };
        closeCode = again.exchanges.find((exchange) => exchange.id === last.id)?.closeCode;
        if (closeCode === undefined) await Bun.sleep(20);
      }
      expect(closeCode).toBe(1000);
    }

    expect((await harness.admin('/v1/admin/diagnostics/capture', { method: 'DELETE' })).status).toBe(200);
    const cleared = (await (await harness.admin('/v1/admin/diagnostics/capture')).json()) as { exchanges: unknown[] };
    expect(cleared.exchanges).toEqual([]);
  });
});
