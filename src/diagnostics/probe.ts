import { findModel } from '../catalog/models';
import type { Config } from '../config/schema';
import { maskSecret } from '../logging/logger';
import { UpstreamError } from '../upstream/errors';
import { buildChatPayload } from '../upstream/grok/chat-payload';
import { isCloudflareChallenge } from '../upstream/grok/classify';
import type { GrokClient } from '../upstream/grok/client';
import { navigationHeaders, upstreamUrl } from '../upstream/grok/headers';
import { fetchBoundedText, type FetchFunction, type TextResponse } from '../upstream/http';

/**
 * The first thing an operator runs when the upstream misbehaves: one account, each layer in turn
 * (network and proxy, Cloudflare, the session, its quota, a tiny chat), each step saying what it
 * saw and what to change. Nothing here touches the account's state in the pool.
 */

export type StepName = 'connect' | 'cloudflare' | 'session' | 'rate_limits' | 'chat';

export interface ProbeStep {
  name: StepName;
  status: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  detail: string;
  error?: { code: string; status?: number; message: string };
  /** What to do about a failure. */
  hint?: string;
}

export interface ProbeReport {
  ok: boolean;
  account: string;
  transport: Config['upstream']['chat_transport'];
  proxy: boolean;
  steps: ProbeStep[];
}

export interface ProbeInput {
  config: Config;
  grok: GrokClient;
  token: string;
  /** Default true: the tiny chat costs one query of the account's fast window. */
  chat?: boolean;
  fetch?: FetchFunction;
  now?: () => number;
  signal?: AbortSignal;
}

const PAGE_LIMIT = 256 * 1024;
const HINTS: Partial<Record<string, string>> = {
  network: 'Check upstream.base_url, DNS, proxy.base_proxy_url and that the proxy is reachable.',
  timeout: 'The upstream or the proxy did not answer in time: check the network path and chat.timeout.',
  cloudflare_challenge:
    'Cloudflare challenged this egress: set proxy.cf_clearance + proxy.user_agent from the same IP, or enable FlareSolverr.',
  anti_bot: 'x-statsig-id was rejected: try upstream.statsig_mode = manual or signer.',
  unauthorized: 'The account session is expired: import a fresh sso token.',
  account_blocked: 'The account is blocked upstream: remove it.',
  rate_limited: 'The account window is exhausted; it comes back after its reset.',
  usage_limit: 'The account window is exhausted; it comes back after its reset.',
};

export async function runProbe(input: ProbeInput): Promise<ProbeReport> {
  const now = input.now ?? Date.now;
  const { config } = input;
  const steps: ProbeStep[] = [];
  const run = async (name: StepName, body: () => Promise<string>): Promise<boolean> => {
    const started = now();
    try {
      const detail = await body();
      steps.push({ name, status: 'ok', durationMs: now() - started, detail });
      return true;
    } catch (error) {
      steps.push(failedStep(name, now() - started, error, input.token));
      return false;
    }
  };
  const skip = (name: StepName, why: string) => steps.push({ name, status: 'skipped', durationMs: 0, detail: why });

  let page: TextResponse | undefined;
  const connected = await run('connect', async () => {
    page = await fetchBoundedText(
      {
        url: upstreamUrl(config.upstream.base_url, '/'),
        method: 'GET',
        headers: navigationHeaders(config, input.token),
        timeoutSeconds: config.chat.timeout,
        signal: input.signal,
        proxyUrl: input.grok.egressFor(input.token),
        skipProxyTlsVerify: config.proxy.skip_proxy_ssl_verify,
        purpose: 'probe',
        fetch: input.fetch,
      },
      PAGE_LIMIT,
    );
    return `HTTP ${page.status} from ${new URL(config.upstream.base_url).host}${config.proxy.base_proxy_url ? ' through the proxy' : ''}`;
  });
  if (!connected || !page) {
    for (const name of ['cloudflare', 'session', 'rate_limits', 'chat'] as const)
      skip(name, 'the upstream could not be reached');
    return report(input, steps);
  }
  const loaded = page;
  await run('cloudflare', async () => {
    if (isCloudflareChallenge(loaded.status, loaded.headers, loaded.text.toLowerCase())) {
      throw new UpstreamError({
        code: 'cloudflare_challenge',
        status: loaded.status,
        message: 'the home page is a Cloudflare challenge',
        retryable: true,
        accountEffect: 'none',
      });
    }
    return config.proxy.cf_clearance ? 'no challenge (cf_clearance configured)' : 'no challenge';
  });
  const session = await run('session', async () => {
    const identity = await input.grok.session(input.token, input.signal);
    const gatewayNote = identity.userId
      ? 'usable for the WebSocket gateway'
      : 'no UUID user id: the gateway transport cannot serve this account';
    return `signed in${identity.email ? ` as ${maskEmail(identity.email)}` : ''}; ${gatewayNote}`;
  });
  await run('rate_limits', async () => {
    const limits = await input.grok.rateLimits(input.token, 'fast', input.signal);
    if (limits.remaining <= 0) {
      throw new UpstreamError({
        code: 'rate_limited',
        message: `the fast window is exhausted (0 of ${limits.total ?? '?'})`,
        retryable: true,
        accountEffect: 'cool',
      });
    }
    return `fast window: ${limits.remaining} of ${limits.total ?? '?'} left`;
  });
  if (input.chat === false) skip('chat', 'not requested');
  else if (!session) skip('chat', 'the session step failed');
  else await run('chat', () => tinyChat(input));
  return report(input, steps);
}

async function tinyChat(input: ProbeInput): Promise<string> {
  const model = findModel('grok-4.1-fast');
  if (!model) throw new Error('the catalog has no grok-4.1-fast model');
  const payload = buildChatPayload({
    message: 'Reply with the single word OK.',
    model,
    fileAttachments: [],
    config: input.config,
  });
  const stream = await input.grok.chat({ token: input.token, payload, signal: input.signal });
  let text = '';
  for await (const event of stream.events) if (event.type === 'text') text += event.text;
  const answer = text.trim();
  return `answered over ${input.config.upstream.chat_transport}: ${JSON.stringify(answer.length > 80 ? `${answer.slice(0, 80)}…` : answer)}`;
}

function failedStep(name: StepName, durationMs: number, error: unknown, token: string): ProbeStep {
  const clean = (text: string) => text.split(token).join('[redacted]');
  if (error instanceof UpstreamError) {
    return {
      name,
      status: 'failed',
      durationMs,
      detail: clean(error.message),
      error: { code: error.code, status: error.status, message: clean(error.message) },
      hint: HINTS[error.code],
    };
  }
  const message = clean(error instanceof Error ? error.message : String(error));
  return { name, status: 'failed', durationMs, detail: message, error: { code: 'internal', message } };
}

function report(input: ProbeInput, steps: ProbeStep[]): ProbeReport {
  return {
    ok: steps.every((step) => step.status !== 'failed'),
    account: maskSecret(input.token),
    transport: input.config.upstream.chat_transport,
    proxy: Boolean(input.config.proxy.base_proxy_url),
    steps,
  };
}

function maskEmail(email: string): string {
  const [name, domain] = email.split('@');
  return domain ? `${(name ?? '').slice(0, 2)}…@${domain}` : maskSecret(email);
}
