import { afterEach, describe, expect, test } from 'bun:test';
import type { Fault } from '../../src/simulator/server';
import {
  CHAT_TRANSPORTS,
  chatCalls,
  chatPath,
  startHarness,
  type ChatTransport,
  type Harness,
  soleAccountState,
} from '../helpers/gateway-harness';

// The fault matrix for chat (docs/upstream-protocol.md §5, §8.6): every upstream fault,
// over both transports, with what the client gets, that it ends within the deadline the config
// allows, how many times the turn reached the upstream (never replayed once accepted), and what
// happened to the account. docs/fault-table.md is this table in prose.

// Small deadlines so a hang shows up as a failure well inside the test timeout.
const TIMEOUTS = {
  GROK2API_CHAT_TIMEOUT: '1',
  GROK2API_CHAT_STREAM_TIMEOUT: '1',
  GROK2API_CHAT_CONNECT_TIMEOUT: '1',
  GROK2API_RETRY_RETRY_BACKOFF_BASE: '0.05',
  GROK2API_RETRY_RETRY_BACKOFF_MAX: '0.2',
  GROK2API_RETRY_RETRY_BUDGET: '1',
};
const MAX_RETRY = 3;
/** What the config allows a request: every attempt may use its connect, first-byte and idle deadlines, plus the backoff budget. */
const DEADLINE_MS = (MAX_RETRY * (1 + 1 + 1) + 1) * 1000 + 2000;

type Outcome =
  | { status: number; code: string; retryAfter?: string }
  /** Streaming: HTTP 200, some text, then one error event with this code and [DONE]. */
  | { streamError: string };

interface Row {
  name: string;
  only?: ChatTransport;
  /** Fault on the chat path (REST conversations/new or the gateway handshake/turn). */
  fault?: Omit<Fault, 'match'>;
  /** Something other than a queued fault (a dead port, a bad proxy, a script). */
  setup?: (h: Harness) => void;
  env?: (h: { simulatorPort: number }) => Record<string, string>;
  stream?: boolean;
  outcome: Outcome | ((transport: ChatTransport) => Outcome);
  /** Chat turns that reached the upstream. */
  turns: number | ((transport: ChatTransport) => number);
  account: { status: string; fail_count: number };
}

const FOREVER = 99;
const active = { status: 'active', fail_count: 0 };

const ROWS: Row[] = [
  {
    name: '401 unauthorized',
    fault: { kind: 'unauthorized' },
    outcome: { status: 502, code: 'upstream_auth_failed' },
    turns: 1,
    account: { status: 'active', fail_count: 1 },
  },
  {
    name: '403 Cloudflare challenge (HTML)',
    fault: { kind: 'cloudflare', times: FOREVER },
    outcome: { status: 502, code: 'upstream_challenge' },
    turns: MAX_RETRY,
    account: active,
  },
  {
    name: '403 anti-bot (JSON)',
    fault: { kind: 'anti_bot', times: FOREVER },
    outcome: { status: 502, code: 'upstream_challenge' },
    turns: MAX_RETRY,
    account: active,
  },
  {
    // REST sees the 403 JSON body; the gateway learns it from the identity lookup (§6) before any
    // handshake, because a refused upgrade shows only its status.
    name: '403 blocked account (JSON)',
    setup: (h) => h.simulator.addAccount({ token: 'account-a', tier: 'basic', blocked: true }),
    outcome: { status: 502, code: 'upstream_auth_failed' },
    turns: (t) => (t === 'rest' ? 1 : 0),
    account: { status: 'disabled', fail_count: 0 },
  },
  {
    // Over the gateway the refused upgrade's own Retry-After is read (egress/handshake-websocket.ts).
    name: '429 with Retry-After',
    fault: { kind: 'rate_limited', retryAfterSeconds: 30 },
    outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '30' },
    turns: 1,
    account: { status: 'cooling', fail_count: 0 },
  },
  {
    name: '429 without a wait time',
    fault: { kind: 'rate_limited' },
    outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
    turns: 1,
    account: { status: 'cooling', fail_count: 0 },
  },
  {
    name: '500 (not in retry_status_codes)',
    fault: { kind: 'server_error', status: 500, times: FOREVER },
    outcome: { status: 502, code: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: '502 (in retry_status_codes)',
    fault: { kind: 'server_error', status: 502, times: FOREVER },
    outcome: { status: 502, code: 'upstream_error' },
    turns: MAX_RETRY,
    account: active,
  },
  {
    name: 'connection refused',
    env: () => ({ GROK_BASE_URL: 'http://127.0.0.1:9' }),
    outcome: { status: 502, code: 'upstream_error' },
    turns: 0,
    account: active,
  },
  {
    name: 'proxy failure',
    env: () => ({ GROK2API_PROXY_BASE_PROXY_URL: 'http://127.0.0.1:9' }),
    outcome: { status: 502, code: 'upstream_error' },
    turns: 0,
    account: active,
  },
  {
    name: 'TLS failure (plain HTTP behind https://)',
    env: ({ simulatorPort }) => ({ GROK_BASE_URL: `https://127.0.0.1:${simulatorPort}` }),
    outcome: { status: 502, code: 'upstream_error' },
    turns: 0,
    account: active,
  },
  {
    // REST: the POST went out, so it is never sent again. Gateway: the handshake never completed,
    // nothing was generated, and the retry succeeds.
    name: 'slow first byte',
    fault: { kind: 'slow_first_byte', delayMs: 3000 },
    outcome: (t) => (t === 'rest' ? { status: 504, code: 'upstream_timeout' } : { status: 200, code: '' }),
    turns: (t) => (t === 'rest' ? 1 : 2),
    account: active,
  },
  {
    name: 'stall before any content',
    fault: { kind: 'stall', afterFrames: 0 },
    outcome: { status: 504, code: 'upstream_timeout' },
    turns: 1,
    account: active,
  },
  {
    name: 'stall mid-stream',
    fault: { kind: 'stall', afterFrames: 4 },
    stream: true,
    outcome: { streamError: 'upstream_timeout' },
    turns: 1,
    account: active,
  },
  {
    name: 'cut mid-object',
    fault: { kind: 'cut', afterFrames: 4 },
    stream: true,
    outcome: { streamError: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'malformed frame',
    fault: { kind: 'malformed', afterFrames: 1 },
    outcome: { status: 502, code: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'in-band code 7 (anti-bot)',
    fault: { kind: 'inband_error', code: 7, times: FOREVER },
    outcome: { status: 502, code: 'upstream_challenge' },
    turns: MAX_RETRY,
    account: active,
  },
  {
    name: 'in-band code 8 (rate limit)',
    fault: { kind: 'inband_error', code: 8 },
    outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
    turns: 1,
    account: { status: 'cooling', fail_count: 0 },
  },
  {
    name: 'in-band usage limit',
    fault: { kind: 'usage_limit' },
    outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
    turns: 1,
    account: { status: 'cooling', fail_count: 0 },
  },
  {
    name: 'stream errors after some text (generation failed)',
    fault: { kind: 'stream_errors' },
    outcome: { status: 502, code: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'empty answer',
    setup: (h) => h.simulator.script({ answerTokens: [] }),
    outcome: { status: 502, code: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'close 1011 mid-stream',
    only: 'ws',
    fault: { kind: 'close', closeCode: 1011, afterFrames: 4 },
    stream: true,
    outcome: { streamError: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'close 1000 before response.done',
    only: 'ws',
    fault: { kind: 'close', closeCode: 1000, afterFrames: 4 },
    stream: true,
    outcome: { streamError: 'upstream_error' },
    turns: 1,
    account: active,
  },
  {
    name: 'close 1008 (policy) before content',
    only: 'ws',
    fault: { kind: 'close', closeCode: 1008, afterFrames: 0, times: FOREVER },
    outcome: { status: 502, code: 'upstream_challenge' },
    turns: MAX_RETRY,
    account: active,
  },
  {
    name: 'close 4429 before content',
    only: 'ws',
    fault: { kind: 'close', closeCode: 4429, afterFrames: 0 },
    outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
    turns: 1,
    account: { status: 'cooling', fail_count: 0 },
  },
];

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

async function request(h: Harness, stream: boolean): Promise<Outcome | { status: 200; code: '' }> {
  const response = await h.api('/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'grok-4.1-fast', messages: [{ role: 'user', content: 'hello' }], stream }),
  });
  if (stream && response.status === 200) {
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const last = JSON.parse(events.at(-2)!.slice('data: '.length)) as { error?: { code: string } };
    return last.error ? { streamError: last.error.code } : { status: 200, code: '' };
  }
  const body = (await response.json()) as { error?: { code: string } };
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  return {
    status: response.status,
    code: body.error?.code ?? '',
    ...(retryAfter && response.status === 429 ? { retryAfter } : {}),
  };
}

for (const transport of CHAT_TRANSPORTS) {
  describe(`chat fault matrix over ${transport}`, () => {
    for (const row of ROWS.filter((candidate) => !candidate.only || candidate.only === transport)) {
      test(
        row.name,
        async () => {
          harness = await startHarness({
            transport,
            accounts: [{ token: 'account-a', tier: 'basic' }],
            env: (simulator) => ({ ...TIMEOUTS, ...row.env?.({ simulatorPort: simulator.port }) }),
          });
          const h = harness;
          if (row.fault) h.simulator.enqueueFault({ ...row.fault, match: { path: chatPath(transport) } });
          row.setup?.(h);

          let timer: ReturnType<typeof setTimeout> | undefined;
          const overdue = new Promise<'overdue'>(
            (resolve) => (timer = setTimeout(() => resolve('overdue'), DEADLINE_MS)),
          );
          const outcome = await Promise.race([request(h, row.stream === true), overdue]).finally(() =>
            clearTimeout(timer),
          );
          expect(outcome).not.toBe('overdue');

          const expected = typeof row.outcome === 'function' ? row.outcome(transport) : row.outcome;
          expect(outcome).toEqual(expected);
          const turns = typeof row.turns === 'function' ? row.turns(transport) : row.turns;
          expect(chatCalls(h.simulator)).toHaveLength(turns);
          expect(await soleAccountState(h)).toEqual(row.account);
        },
        DEADLINE_MS + 5000,
      );
    }
  });
}
