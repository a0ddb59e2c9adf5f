/**
 * The Cloudflare Workers entry (the seed's "front bridge layer"): serves the playground pages,
 * the public status endpoints the pages and the deploy smoke checks read, and the chat, imagine
 * and video bridges to a grok2api backend (edge/bridge-forward.ts). Built from this source tree
 * by edge/build.ts; configured by edge/wrangler.toml.
 */
import { version } from '../package.json';
import { requireKey } from '../src/auth/bearer';
import { ApiError, type ApiErrorType } from '../src/http/errors';
import { functionManifest } from '../src/playground/function-manifest';
import { assetResponse } from './assets';
import { bridgeError, runBridge } from './bridge-forward';
import { BridgeInputError, bridgeForChatBody, parseBridgeBody } from './bridge-validation';
import {
  BRIDGE_NAMES,
  backendUrl,
  bridgeMode,
  bridgeModes,
  manifestMode,
  urlVariable,
  type BridgeName,
  type EdgeEnvironment,
} from './edge-config';

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

/** The gateway's error envelope (src/http/errors.ts). */
const openAiError = (status: number, message: string, code: string, type?: ApiErrorType) =>
  new ApiError({ status, message, code, type }).toJsonResponse();

/** The pages' key check (FUNCTION_KEY), the gateway playground's own (src/auth/bearer.ts); null when allowed. */
function refuseWithoutKey(environment: EdgeEnvironment, request: Request): Response | null {
  const key = environment.FUNCTION_KEY ?? '';
  if (key === '') return null;
  try {
    requireKey(request.headers.get('authorization'), key);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error.toJsonResponse();
    throw error;
  }
}

function publicConfig(environment: EdgeEnvironment) {
  const modes = bridgeModes(environment);
  return {
    function_enabled: true,
    function_key_required: (environment.FUNCTION_KEY ?? '') !== '',
    // Whether a backend is set, never its address: the Worker's backends are not the page's business.
    bridges: Object.fromEntries(
      BRIDGE_NAMES.map((name) => [
        name,
        {
          mode: modes[name],
          backend_configured: backendUrl(environment, name) !== undefined,
          variable: urlVariable(name),
        },
      ]),
    ),
  };
}

async function bridgeRequest(
  request: Request,
  environment: EdgeEnvironment,
  path: '/v1/chat/completions' | '/v1/images/generations',
): Promise<Response> {
  const fallback: BridgeName = path === '/v1/images/generations' ? 'imagine' : 'chat';
  let body: Record<string, unknown>;
  try {
    body = parseBridgeBody(await request.text());
  } catch (error) {
    if (error instanceof BridgeInputError)
      return bridgeError(fallback, bridgeMode(environment, fallback), 400, error.message, 'invalid_json', error.param);
    throw error;
  }
  const name = fallback === 'imagine' ? 'imagine' : bridgeForChatBody(body);
  return runBridge({ name, path, body, environment, signal: request.signal });
}

async function models(environment: EdgeEnvironment, request: Request): Promise<Response> {
  const base = backendUrl(environment, 'chat');
  if (base) {
    const backend = await fetch(`${base}/v1/models`, {
      headers: environment.BACKEND_API_KEY ? { authorization: `Bearer ${environment.BACKEND_API_KEY}` } : {},
      signal: request.signal,
    }).catch(() => null);
    if (backend?.ok) return new Response(backend.body, { headers: { 'content-type': 'application/json' } });
  }
  // Probe: the ids the pages need to build a request; probing sends nothing anywhere, so no catalog is claimed.
  const ids = ['grok-4', 'grok-imagine-1.0', 'grok-imagine-1.0-video'];
  return json({
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'grok2api-edge' })),
  });
}

/**
 * The backend hands out media as /v1/files/... links relative to itself; on the Worker's origin
 * those are fetched from the video (else imagine) backend so the pages' players and downloads work.
 */
async function cachedFile(request: Request, environment: EdgeEnvironment, pathname: string): Promise<Response> {
  const base = backendUrl(environment, 'video') ?? backendUrl(environment, 'imagine');
  if (!base) return openAiError(404, 'No backend is configured, so there are no files to serve.', 'not_found');
  const headers: Record<string, string> = {};
  const range = request.headers.get('range');
  if (range) headers.range = range;
  const backend = await fetch(`${base}${pathname}`, { headers, signal: request.signal }).catch(() => null);
  if (!backend) return openAiError(502, 'The file backend could not be reached.', 'backend_unreachable', 'api_error');
  const passed = new Headers();
  for (const name of [
    'content-type',
    'content-length',
    'content-range',
    'accept-ranges',
    'cache-control',
    'etag',
    'last-modified',
  ]) {
    const value = backend.headers.get(name);
    if (value !== null) passed.set(name, value);
  }
  return new Response(backend.body, { status: backend.status, headers: passed });
}

export async function handleEdgeRequest(request: Request, environment: EdgeEnvironment): Promise<Response> {
  const { pathname } = new URL(request.url);
  const method = request.method;
  if (method === 'GET') {
    if (pathname === '/') return Response.redirect(new URL('/playground', request.url).toString(), 302);
    if (pathname === '/playground' || pathname === '/playground/') return assetResponse('index.html');
    if (pathname.startsWith('/playground/assets/')) return assetResponse(pathname.slice('/playground/assets/'.length));
    if (pathname === '/favicon.svg' || pathname === '/favicon.ico') return assetResponse('favicon.svg');
    if (pathname === '/health') return json({ status: 'ok' });
    if (pathname === '/ready') return json({ status: 'ready', bridges: bridgeModes(environment) });
    if (pathname === '/meta')
      return json({
        name: 'grok2api-edge',
        version,
        build: environment.BUILD_ID || 'dev',
        runtime: 'cloudflare-workers',
        bridges: bridgeModes(environment),
      });
    if (pathname === '/config') return json(publicConfig(environment));
    if (pathname === '/config/sections') {
      const config = publicConfig(environment);
      return json({
        sections: [
          {
            name: 'playground',
            settings: {
              function_enabled: config.function_enabled,
              function_key_required: config.function_key_required,
            },
          },
          { name: 'bridges', settings: config.bridges },
        ],
      });
    }
    if (pathname.startsWith('/v1/files/')) return cachedFile(request, environment, pathname);
    if (pathname === '/v1/function/manifest') {
      const modes = bridgeModes(environment);
      return json(
        functionManifest('edge', {
          chat: manifestMode(modes.chat),
          imagine: manifestMode(modes.imagine),
          video: manifestMode(modes.video),
        }),
      );
    }
  }
  if (pathname.startsWith('/v1/function/')) {
    const refused = refuseWithoutKey(environment, request);
    if (refused) return refused;
    if (method === 'GET' && pathname === '/v1/function/verify') return json({ status: 'success' });
    if (method === 'GET' && pathname === '/v1/function/models') return models(environment, request);
    if (method === 'POST' && pathname === '/v1/function/chat/completions')
      return bridgeRequest(request, environment, '/v1/chat/completions');
    if (method === 'POST' && pathname === '/v1/function/images/generations')
      return bridgeRequest(request, environment, '/v1/images/generations');
  }
  return openAiError(404, `No route for ${method} ${pathname} on the edge Worker.`, 'not_found');
}

export default {
  fetch: (request: Request, environment: EdgeEnvironment) => handleEdgeRequest(request, environment),
};
