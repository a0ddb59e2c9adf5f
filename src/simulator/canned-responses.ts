// Upstream bodies as catalogued in docs/upstream-protocol.md §5.1–5.4 and §17.
// The gateway classifies failures by these exact shapes, so they are kept verbatim.

export const CLOUDFLARE_CHALLENGE_HTML =
  '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-platform"></div></body></html>';
export const USAGE_LIMIT_MESSAGE = "You've reached your usage limit. Please try again later.";
export const ANTI_BOT_MESSAGE = 'Request rejected by anti-bot rules.';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function unauthenticated(): Response {
  return jsonResponse(401, { code: 16, message: 'unauthenticated: bad-credentials', details: [] });
}

export function blockedUser(): Response {
  return jsonResponse(403, { code: 7, message: 'User is blocked [WKE=unauthorized:blocked-user]', details: [] });
}

export function antiBotRejected(): Response {
  return jsonResponse(403, { error: { message: ANTI_BOT_MESSAGE, code: 7, details: [] } });
}

export function cloudflareChallenge(): Response {
  return new Response(CLOUDFLARE_CHALLENGE_HTML, {
    status: 403,
    headers: { server: 'cloudflare', 'content-type': 'text/html', 'cache-control': 'no-store' },
  });
}

export function tooManyRequests(retryAfterSeconds?: number, message = 'Too many requests'): Response {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfterSeconds)));
  return jsonResponse(429, { error: { code: 8, message } }, headers);
}

/** gRPC status 3 (INVALID_ARGUMENT), the family of every other body here. */
export function invalidArgument(message: string): Response {
  return jsonResponse(400, { code: 3, message: `invalid argument: ${message}`, details: [] });
}

export function notFound(message = 'Not Found'): Response {
  return jsonResponse(404, { code: 5, message, details: [] });
}

export function methodNotAllowed(allowed: string): Response {
  return jsonResponse(405, { code: 12, message: 'Method Not Allowed', details: [] }, { allow: allowed });
}

export function internalError(message = 'Internal error'): Response {
  return jsonResponse(500, { code: 13, message, details: [] });
}
