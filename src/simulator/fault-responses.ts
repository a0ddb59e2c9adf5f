import {
  antiBotRejected,
  blockedUser,
  cloudflareChallenge,
  jsonResponse,
  tooManyRequests,
  unauthenticated,
} from './canned-responses';
import type { Fault } from './types';

/** The whole HTTP answer for a request-stage fault (`slow_first_byte` only delays, see guards). */
export function requestFaultResponse(fault: Fault): Response {
  switch (fault.kind) {
    case 'unauthorized':
      return unauthenticated();
    case 'cloudflare':
      return cloudflareChallenge();
    case 'blocked':
      return blockedUser();
    case 'anti_bot':
      return antiBotRejected();
    case 'rate_limited':
      return tooManyRequests(fault.retryAfterSeconds, fault.message);
    case 'server_error':
      return serverError(fault);
    default:
      return arbitraryStatus(fault);
  }
}

function serverError(fault: Fault): Response {
  const status = fault.status !== undefined && fault.status >= 500 && fault.status <= 599 ? fault.status : 500;
  if (fault.body !== undefined) return new Response(fault.body, { status, headers: { 'content-type': 'text/plain' } });
  return jsonResponse(status, {
    code: status === 503 ? 14 : 13,
    message: fault.message ?? 'upstream error',
    details: [],
  });
}

function arbitraryStatus(fault: Fault): Response {
  const status = fault.status !== undefined && fault.status >= 200 && fault.status <= 599 ? fault.status : 500;
  const body = fault.body ?? '';
  const headers: Record<string, string> = { 'content-type': looksLikeJson(body) ? 'application/json' : 'text/plain' };
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  // 204 and 304 may not carry a body at all.
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}

function looksLikeJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
