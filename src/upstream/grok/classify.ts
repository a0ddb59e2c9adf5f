import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { UpstreamError } from '../errors';
import { parseJson } from './json';

/**
 * Turns a failed upstream answer into one `UpstreamError`, deciding once whether another try can
 * help and what it says about the account (docs/upstream-protocol.md §5.1–§5.4, §14.6).
 * Messages carry the upstream's own short explanation, never our request headers.
 */

const CHALLENGE_MARKERS = ['challenge-platform', 'just a moment', '__cf_chl', 'cf-chl-'];
/** The account cannot be used at all. */
const BLOCKED_MARKERS = ['blocked-user', 'user is blocked', 'email-domain-rejected', 'account suspended'];
/** The session behind the token is gone. */
const DEAD_SESSION_MARKERS = [
  'invalid-credentials',
  'bad-credentials',
  'failed to look up session id',
  'session not found',
  'token revoked',
  'token expired',
];
/** What P1 treats as a confirmed expiry on the rate-limits probe. */
const CONFIRMED_EXPIRY_MARKERS = ['unauthorized', 'not logged in', 'unauthenticated', 'bad-credentials'];
const MODERATION_MARKERS = [
  'content-moderated',
  'content moderation',
  'content policy',
  'content violates usage guidelines',
  'safety_check_type_',
];
const USAGE_LIMIT_MARKERS = ['usage limit', 'usage quota', 'out of credits'];
const RATE_LIMIT_MARKERS = ['too many requests', 'rate limit', 'rate_limit'];
const ANTI_BOT_MARKERS = ['anti-bot', 'anti_bot'];

const includesAny = (text: string, markers: readonly string[]) => markers.some((marker) => text.includes(marker));

export interface ClassifyOptions {
  /** The call was the rate-limits probe, where a 401 with P1's markers is a confirmed expiry. */
  rateLimitProbe?: boolean;
  /** Short name of the call for the message, e.g. "chat". */
  purpose?: string;
  /** Seconds since the epoch, for HTTP-date Retry-After values. */
  nowSeconds?: number;
  /** Values that must never appear in a message (the account token), should the body echo them. */
  secrets?: readonly string[];
}

export function classifyHttpFailure(
  status: number,
  headers: Headers,
  bodyText: string,
  options: ClassifyOptions = {},
): UpstreamError {
  const lower = bodyText.toLowerCase();
  const what = `${options.purpose ?? 'upstream'}: HTTP ${status}`;
  const detail = upstreamMessage(bodyText, options.secrets ?? []);
  const message = (label: string) => `${what} ${label}${detail ? ` (${detail})` : ''}`;
  // Any status may say when to come back (503 often does), not only 429.
  const retryAfterSeconds = parseRetryAfter(headers.get('retry-after'), options.nowSeconds ?? Date.now() / 1000);
  const fail = (fields: Omit<ConstructorParameters<typeof UpstreamError>[0], 'status'>) =>
    new UpstreamError({ retryAfterSeconds, ...fields, status });

  if (status >= 400 && status < 500 && status !== 429 && includesAny(lower, BLOCKED_MARKERS)) {
    return fail({
      code: 'account_blocked',
      message: message('account blocked'),
      retryable: true,
      accountEffect: 'disable',
    });
  }
  if (status >= 400 && status < 500 && status !== 429 && includesAny(lower, DEAD_SESSION_MARKERS)) {
    // Only the quota probe confirms a dead session; on other calls it counts toward
    // token.fail_threshold, so one sporadic answer never retires a healthy account.
    const confirmed = options.rateLimitProbe === true;
    return fail({
      code: 'unauthorized',
      message: message('session no longer valid'),
      retryable: true,
      accountEffect: confirmed ? 'expire' : 'auth_failure',
    });
  }
  if (status === 401) {
    // A 401 is about the token even when Cloudflare served it.
    const confirmed = options.rateLimitProbe === true && includesAny(lower, CONFIRMED_EXPIRY_MARKERS);
    return fail({
      code: 'unauthorized',
      message: message(confirmed ? 'session expired' : 'unauthorized'),
      retryable: true,
      accountEffect: confirmed ? 'expire' : 'auth_failure',
    });
  }
  if (isCloudflareChallenge(status, headers, lower)) {
    return fail({
      code: 'cloudflare_challenge',
      message: `${what} Cloudflare challenge`,
      retryable: true,
      accountEffect: 'none',
    });
  }
  if (status === 429) {
    const usage = includesAny(lower, USAGE_LIMIT_MARKERS);
    return fail({
      code: usage ? 'usage_limit' : 'rate_limited',
      message: message(usage ? 'usage limit reached' : 'rate limited'),
      retryable: true,
      accountEffect: 'cool',
    });
  }
  if ((status === 400 || status === 403) && includesAny(lower, MODERATION_MARKERS)) {
    return fail({
      code: 'content_moderated',
      message: message('content moderated'),
      retryable: false,
      accountEffect: 'none',
    });
  }
  if (status === 403) {
    // A JSON 403 that is neither a block nor moderation is the anti-bot check (statsig).
    return fail({
      code: 'anti_bot',
      message: message('rejected by anti-bot rules'),
      retryable: true,
      accountEffect: 'none',
    });
  }
  if (status >= 500) {
    return fail({ code: 'server_error', message: message('server error'), retryable: true, accountEffect: 'none' });
  }
  return fail({ code: 'bad_request', message: message('request refused'), retryable: false, accountEffect: 'none' });
}

/** §5.2: the browser session was challenged, which is not the account's fault. */
export function isCloudflareChallenge(status: number, headers: Headers, lowerBody: string): boolean {
  if (status === 401) return false;
  if (includesAny(lowerBody, CHALLENGE_MARKERS)) return true;
  // Cloudflare's own 5xx pages mean the origin is down, which the 5xx path already covers.
  if (status >= 500) return false;
  const server = (headers.get('server') ?? '').toLowerCase();
  const contentType = (headers.get('content-type') ?? '').toLowerCase();
  if (server.includes('cloudflare') && !contentType.includes('application/json')) return true;
  if (status === 403) {
    const start = lowerBody.trimStart();
    return start === '' || start.startsWith('<!doctype html') || start.startsWith('<html');
  }
  return false;
}

/** Retry-After as seconds (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowSeconds: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date / 1000 - nowSeconds);
}

const MessageBody = Type.Object({ message: Type.String() });
const NestedErrorBody = Type.Object({ error: MessageBody });
const StringErrorBody = Type.Object({ error: Type.String() });

/** The upstream's short explanation from a JSON error body, cleaned for a log line. */
function upstreamMessage(bodyText: string, secrets: readonly string[]): string | undefined {
  const body = parseJson(bodyText);
  let text: string | undefined;
  if (Value.Check(NestedErrorBody, body)) text = body.error.message;
  else if (Value.Check(MessageBody, body)) text = body.message;
  else if (Value.Check(StringErrorBody, body)) text = body.error;
  if (!text) return undefined;
  let clean = text.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim();
  for (const secret of secrets) if (secret) clean = clean.split(secret).join('[redacted]');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

export interface InBandError {
  code?: string | number;
  message?: string;
}

/** §5.3: an error object that arrived inside a 200 stream. */
export function classifyInBandError(error: InBandError): UpstreamError {
  const text = (error.message ?? '').trim();
  const lower = `${text} ${String(error.code ?? '')}`.toLowerCase();
  const message = (label: string) => `chat stream: ${label}${text ? ` (${text.slice(0, 200)})` : ''}`;
  if (includesAny(lower, BLOCKED_MARKERS)) {
    return new UpstreamError({
      code: 'account_blocked',
      message: message('account blocked'),
      retryable: true,
      accountEffect: 'disable',
    });
  }
  if (error.code === 7 || includesAny(lower, ANTI_BOT_MARKERS)) {
    return new UpstreamError({
      code: 'anti_bot',
      message: message('rejected by anti-bot rules'),
      retryable: true,
      accountEffect: 'none',
    });
  }
  if (includesAny(lower, USAGE_LIMIT_MARKERS)) {
    return new UpstreamError({
      code: 'usage_limit',
      message: message('usage limit reached'),
      retryable: true,
      accountEffect: 'cool',
    });
  }
  if (error.code === 8 || includesAny(lower, RATE_LIMIT_MARKERS)) {
    return new UpstreamError({
      code: 'rate_limited',
      message: message('rate limited'),
      retryable: true,
      accountEffect: 'cool',
    });
  }
  if (includesAny(lower, MODERATION_MARKERS)) {
    return new UpstreamError({
      code: 'content_moderated',
      message: message('content moderated'),
      retryable: false,
      accountEffect: 'none',
    });
  }
  return new UpstreamError({
    code: 'stream_error',
    message: message('upstream reported an error'),
    retryable: true,
    accountEffect: 'none',
  });
}
