import { cloudflareChallenge } from './canned-responses';
import type { IncomingRequest } from './incoming-request';
import { cloudflareBlocks } from './request-guards';
import type { SimulatorState } from './simulator-state';

// The statsig flow (§4.4) reads this meta tag from `/index`, falling back to `/` on a plain 404.
export const SITE_VERIFICATION = 'sim-verification-6a1f0c93d2b84e57';

const HOME_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="grok-site-verification" content="${SITE_VERIFICATION}">
<title>Grok</title>
</head>
<body><main id="root">Grok simulator: a local stand-in for grok.com.</main></body>
</html>`;

const NOT_FOUND_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Page not found | Grok</title></head>
<body><main><h1>404</h1><p>This page could not be found.</p></main></body>
</html>`;

export function handleHomePage(state: SimulatorState, incoming: IncomingRequest): Response {
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  return new Response(HOME_PAGE, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export function handleIndexPage(state: SimulatorState, incoming: IncomingRequest): Response {
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  return new Response(NOT_FOUND_PAGE, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
