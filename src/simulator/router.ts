import type { Server } from 'bun';
import type { ResolvedAccount } from './account-registry';
import { handleAssetDownload, handleGeneratedDownload, handlePublicImage } from './asset-route';
import { handleCreatePost, handleUpscale } from './media-route';
import { handleGatewayUpgrade } from './gateway-route';
import type { GatewaySocketData } from './gateway-session';
import { internalError, methodNotAllowed, notFound } from './canned-responses';
import { handleChatTurn } from './chat-route';
import { CONTROL_PREFIX, handleControl } from './control-routes';
import { handleHomePage, handleIndexPage } from './html-pages';
import { readIncomingRequest, type IncomingRequest } from './incoming-request';
import { handleRateLimits } from './rate-limits-route';
import { safeDecode } from './safe-decode';
import { guardApiRequest } from './request-guards';
import { handleSession } from './session-route';
import type { SimulatorState } from './simulator-state';
import type { Simulator } from './types';
import { handleDirectUpload, handleLegacyUpload } from './upload-routes';
import { handleDeleteAsset, handleListAssets } from './online-assets-routes';
import { handleLivekitToken } from './livekit-route';
import {
  handleSetBirthDate,
  handleSetTosAcceptedRest,
  handleSetTosAcceptedVersion,
  handleUpdateUserFeatureControls,
} from './account-settings-routes';

type Handler = (state: SimulatorState, incoming: IncomingRequest, params: string[]) => Response | Promise<Response>;

interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

/** An upstream API endpoint: guarded (faults, Cloudflare, statsig, account) before it runs. */
function api(
  statsig: boolean,
  handle: (
    state: SimulatorState,
    incoming: IncomingRequest,
    account: ResolvedAccount,
    params: string[],
  ) => Response | Promise<Response>,
): Handler {
  return async (state, incoming, params) => {
    const guarded = await guardApiRequest(state, incoming, { statsig });
    return 'response' in guarded ? guarded.response : handle(state, incoming, guarded.account, params);
  };
}

function unlessCurrentOnly(handle: Handler): Handler {
  return (state, incoming, params) =>
    state.options.videoProtocols === 'current' ? notFound() : handle(state, incoming, params);
}

// One table for the three upstream hosts (grok.com, assets.grok.com, accounts.x.ai): their
// paths do not collide, so a gateway can point every upstream URL at this one server.
const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/rest\/app-chat\/conversations\/new$/,
    handle: api(true, (state, incoming, account) => handleChatTurn(state, incoming, account)),
  },
  {
    method: 'POST',
    pattern: /^\/rest\/app-chat\/conversations\/([^/]+)\/responses$/,
    handle: api(true, (state, incoming, account, params) =>
      handleChatTurn(state, incoming, account, safeDecode(params[0]) ?? ''),
    ),
  },
  { method: 'POST', pattern: /^\/rest\/rate-limits$/, handle: api(true, handleRateLimits) },
  { method: 'POST', pattern: /^\/rest\/app-chat\/upload-file$/, handle: api(false, handleLegacyUpload) },
  { method: 'POST', pattern: /^\/http\/upload-file-v2\/direct$/, handle: api(false, handleDirectUpload) },
  { method: 'GET', pattern: /^\/api\/auth\/session$/, handle: (state, incoming) => handleSession(state, incoming) },
  {
    method: 'GET',
    pattern: /^\/users\/([^/]+)\/([^/]+)\/content$/,
    handle: (state, incoming, params) => handleAssetDownload(state, incoming, params[0], params[1]),
  },
  // Retired with the legacy video form (§13.8): a current-only upstream answers as for any unknown route.
  { method: 'POST', pattern: /^\/rest\/media\/post\/create$/, handle: unlessCurrentOnly(api(false, handleCreatePost)) },
  { method: 'POST', pattern: /^\/rest\/media\/video\/upscale$/, handle: api(false, handleUpscale) },
  {
    method: 'GET',
    pattern: /^\/users\/[^/]+\/generated\/[^/]+\/[^/]+$/,
    handle: (state, incoming) => handleGeneratedDownload(state, incoming),
  },
  {
    method: 'GET',
    pattern: /^\/imagine-public\/images\/[^/]+$/,
    handle: (state, incoming) => handlePublicImage(state, incoming),
  },
  {
    method: 'POST',
    pattern: /^\/auth_mgmt\.AuthManagement\/SetTosAcceptedVersion$/,
    handle: api(false, handleSetTosAcceptedVersion),
  },
  {
    method: 'POST',
    pattern: /^\/auth_mgmt\.AuthManagement\/UpdateUserFeatureControls$/,
    handle: api(true, handleUpdateUserFeatureControls),
  },
  { method: 'POST', pattern: /^\/rest\/auth\/set-tos-accepted$/, handle: api(true, handleSetTosAcceptedRest) },
  { method: 'POST', pattern: /^\/rest\/auth\/set-birth-date$/, handle: api(true, handleSetBirthDate) },
  { method: 'GET', pattern: /^\/rest\/assets$/, handle: api(false, handleListAssets) },
  { method: 'POST', pattern: /^\/rest\/livekit\/tokens$/, handle: api(true, handleLivekitToken) },
  {
    method: 'DELETE',
    pattern: /^\/rest\/assets-metadata\/([^/]+)$/,
    handle: api(false, (state, incoming, account, params) =>
      handleDeleteAsset(state, incoming, account, safeDecode(params[0]) ?? ''),
    ),
  },
  { method: 'GET', pattern: /^\/$/, handle: (state, incoming) => handleHomePage(state, incoming) },
  { method: 'GET', pattern: /^\/index$/, handle: (state, incoming) => handleIndexPage(state, incoming) },
];

const GATEWAY_PATH = /^\/ws\/mgw\/?$/;

export async function routeRequest(
  state: SimulatorState,
  controls: Simulator,
  request: Request,
  server?: Server<GatewaySocketData>,
): Promise<Response | undefined> {
  try {
    const path = new URL(request.url).pathname;
    if (path.startsWith(CONTROL_PREFIX)) return await handleControl(state, controls, request, path);
    const incoming = await readIncomingRequest(request, Date.now());
    state.requests.push(incoming.recorded);
    // The model gateway (§8) answers on this server too: an upgrade returns no Response.
    const response =
      GATEWAY_PATH.test(path) && server && incoming.method === 'GET'
        ? await handleGatewayUpgrade(state, incoming, server)
        : await dispatch(state, incoming);
    if (state.options.log) console.log(`[simulator] ${incoming.method} ${path} -> ${response?.status ?? 101}`);
    return response;
  } catch (error) {
    // Whatever went wrong, the client gets an answer and the simulator keeps serving.
    if (state.options.log) console.error('[simulator] handler failed', error);
    return internalError(error instanceof Error ? error.message : 'Internal error');
  }
}

async function dispatch(state: SimulatorState, incoming: IncomingRequest): Promise<Response> {
  const candidates = ROUTES.map((route) => ({ route, match: route.pattern.exec(incoming.path) })).filter(
    (entry) => entry.match,
  );
  if (candidates.length === 0) return notFound();
  const method = incoming.method === 'HEAD' ? 'GET' : incoming.method;
  const chosen = candidates.find((entry) => entry.route.method === method);
  if (!chosen?.match) return methodNotAllowed(candidates.map((entry) => entry.route.method).join(', '));
  return chosen.route.handle(state, incoming, chosen.match.slice(1));
}
