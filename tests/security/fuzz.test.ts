import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { API_KEY, APP_KEY, startHarness, type Harness } from '../helpers/gateway-harness';
import { InputFactory, routesOf, seededRandom, type FuzzInput } from './fuzz-inputs';

/**
 * Walks every route of /docs/json with malformed, oversized, wrong-typed and random inputs and
 * asserts: no 5xx, every error in its API's envelope, no stream left hanging, and /health still
 * answers. Shortened for `npm test`; the long form:
 *   FUZZ_INPUTS=50000 FUZZ_SEED=7 ./node_modules/.bin/bun test tests/security/fuzz.test.ts
 */

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const PARALLEL = 8;
const WINDOW = { total: 1_000_000, windowSeconds: 7200 };
const PLENTY = { auto: WINDOW, fast: WINDOW, expert: WINDOW, heavy: WINDOW };

function isErrorEnvelope(path: string, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: { message?: unknown; type?: unknown } }).error;
  if (typeof error?.message !== 'string' || typeof error.type !== 'string') return false;
  // Anthropic's routes answer in Anthropic's shape, every other route in OpenAI's.
  return path.startsWith('/v1/messages')
    ? (body as { type?: unknown }).type === 'error'
    : 'param' in error && 'code' in error;
}

describe('fuzz every documented route', () => {
  let harness: Harness;
  let snapshot: { config: unknown; tokens: unknown };
  beforeAll(async () => {
    harness = await startHarness({
      // Upstream quotas large enough that long runs never starve (a starved pool answers 503 by design).
      accounts: [
        { token: 'fuzz-basic', tier: 'basic', quotas: PLENTY },
        { token: 'fuzz-super', tier: 'super', quotas: PLENTY },
      ],
      // Each input comes from its own address (X-Forwarded-For from a trusted proxy), so the wrong
      // keys the fuzzer sends do not throttle the rest of the run (tests/security/03-04-auth-throttles.test.ts).
      env: { GROK2API_LIMITS_MAX_BODY_MB: '1', GROK2API_APP_TRUSTED_PROXIES: '127.0.0.1' },
    });
    const config = await (await harness.admin('/v1/admin/config?reveal=true')).json();
    // Full tokens (export), so the set can be put back even after the fuzz deleted accounts.
    const tokens = (await (await harness.admin('/v1/admin/tokens?export=true')).json()).tokens;
    snapshot = { config, tokens };
  });
  afterAll(() => harness.stop());

  /** Admin inputs that succeeded may have changed the accounts or the config: put them back. */
  async function restore(): Promise<void> {
    expect(
      (await harness.admin('/v1/admin/config', { method: 'POST', body: JSON.stringify(snapshot.config) })).status,
    ).toBe(200);
    expect(
      (
        await harness.admin('/v1/admin/tokens?confirm=replace_all', {
          method: 'POST',
          body: JSON.stringify(snapshot.tokens),
        })
      ).status,
    ).toBe(200);
  }

  test(`${INPUTS} inputs (seed ${SEED}): no 5xx, error envelopes, /health answers`, async () => {
    const document = await (await fetch(`${harness.server.url}/docs/json`)).json();
    const routes = routesOf(document);
    expect(routes.length).toBeGreaterThan(30);
    const factory = new InputFactory(seededRandom(SEED), { api: API_KEY, admin: APP_KEY });
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    let tried = 0;

    const run = async (input: FuzzInput, index: number) => {
      const where = `#${index} ${input.kind} ${input.method} ${input.path.slice(0, 120)}`;
      let response: Response;
      try {
        const headers = new Headers(input.headers);
        headers.set('x-forwarded-for', `198.18.${(index >> 8) & 255}.${index & 255}`);
        response = await fetch(`${harness.server.url}${input.path}`, {
          method: input.method,
          headers,
          body: input.body,
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        failures.push(`${where}: request failed: ${(error as Error).message}`);
        return;
      }
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      // Reading the whole body also proves no stream is left hanging.
      const text = await response.text().catch((error: Error) => `<<body failed: ${error.message}>>`);
      const pathname = input.path.split('?')[0]!;
      if (response.status >= 500) failures.push(`${where}: ${response.status} ${text.slice(0, 300)}`);
      else if (response.status >= 400) {
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {}
        if (!isErrorEnvelope(pathname, body))
          failures.push(`${where}: ${response.status} is not an error envelope: ${text.slice(0, 200)}`);
      }
      const mutating = pathname.startsWith('/v1/admin') && input.method !== 'GET' && response.status < 300;
      return mutating;
    };

    // Inputs that may change shared state (admin writes) run alone and are undone; requests spend
    // quota, so the accounts are put back every 25 batches. Otherwise an empty pool would make
    // later chats a legitimate 503 and hide the faults this test looks for.
    const isAdminWrite = (input: FuzzInput) => input.path.startsWith('/v1/admin') && input.method !== 'GET';
    let batches = 0;
    let pending: FuzzInput[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const startIndex = tried;
      const changed = await Promise.all(pending.map((input, offset) => run(input, startIndex + offset)));
      tried += pending.length;
      pending = [];
      if (changed.some(Boolean) || ++batches % 25 === 0) await restore();
    };
    for (let index = 0; index < INPUTS; index++) {
      const input = factory.next(routes);
      kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
      if (isAdminWrite(input)) {
        await flush();
        pending = [input];
        await flush();
      } else {
        pending.push(input);
        if (pending.length === PARALLEL) await flush();
      }
    }
    await flush();

    const health = await fetch(`${harness.server.url}/health`);
    expect(health.status).toBe(200);
    // Long runs spend the accounts' quotas (chats then answer 429), so liveness is checked on routes that need none.
    const models = await harness.client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    console.log(
      `fuzz: ${tried} inputs over ${routes.length} routes (seed ${SEED}); statuses ${JSON.stringify(statuses)}; kinds ${JSON.stringify(kinds)}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(tried).toBe(INPUTS);
  }, 600_000);

  test("found by the fuzzer: a conversation with no content is the client's 400, and nothing goes upstream", async () => {
    const before = harness.simulator.requests.length;
    const messages = await harness.api('/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: JSON.stringify({ model: 'grok-4', max_tokens: 16, messages: [{ role: 'user', content: [] }] }),
    });
    expect(messages.status).toBe(400);
    expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(harness.simulator.requests.length).toBe(before);
  });
});
