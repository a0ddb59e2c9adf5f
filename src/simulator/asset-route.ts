import { blockedUser, cloudflareChallenge, jsonResponse, notFound, unauthenticated } from './canned-responses';
import { faultApplies } from './fault-rules';
import type { IncomingRequest } from './incoming-request';
import { authenticate, cloudflareBlocks } from './request-guards';
import type { SimulatorState } from './simulator-state';

/**
 * GET /users/<UID>/<fileMetadataId>/content, the assets.grok.com path of an upload (§11.5).
 * Assets are not public (§11.6): only the owner's sso cookie gets the bytes.
 */
export function handleAssetDownload(
  state: SimulatorState,
  incoming: IncomingRequest,
  userId: string,
  fileMetadataId: string,
): Response {
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  const auth = authenticate(state, incoming.token);
  if (auth.kind === 'unauthenticated') return unauthenticated();
  if (auth.kind === 'blocked') return blockedUser();
  const file = state.files.get(fileMetadataId);
  if (!file || file.ownerUserId !== userId) return notFound('asset not found');
  if (auth.account.userId !== file.ownerUserId) {
    return jsonResponse(403, { code: 7, message: 'permission denied: asset belongs to another user', details: [] });
  }
  return new Response(file.bytes, {
    status: 200,
    headers: { 'content-type': file.mimeType, 'cache-control': 'private, max-age=0' },
  });
}

/**
 * GET /users/<UID>/generated/<id>/<file>: generated images and videos (§11.5). Like uploads,
 * only the owner's cookie gets them (§11.6).
 */
export function handleGeneratedDownload(state: SimulatorState, incoming: IncomingRequest): Response {
  const failure = downloadFailure(state, incoming);
  if (failure) return failure;
  if (cloudflareBlocks(state, incoming)) return cloudflareChallenge();
  const auth = authenticate(state, incoming.token);
  if (auth.kind === 'unauthenticated') return unauthenticated();
  if (auth.kind === 'blocked') return blockedUser();
  const asset = state.generated.get(incoming.path.replace(/^\//, ''));
  if (!asset) return notFound('asset not found');
  if (auth.account.userId !== asset.ownerUserId) {
    return jsonResponse(403, { code: 7, message: 'permission denied: asset belongs to another user', details: [] });
  }
  return new Response(asset.bytes, {
    status: 200,
    headers: {
      'content-type': asset.mimeType,
      'content-length': String(asset.bytes.length),
      'cache-control': 'private, max-age=0',
    },
  });
}

/** GET /imagine-public/images/<id>.jpg: Imagine WebSocket results, public like imagine-public.x.ai. */
export function handlePublicImage(state: SimulatorState, incoming: IncomingRequest): Response {
  const failure = downloadFailure(state, incoming);
  if (failure) return failure;
  const asset = state.generated.get(incoming.path.replace(/^\//, ''));
  if (asset?.ownerUserId !== '') return notFound('image not found');
  return new Response(asset.bytes, {
    status: 200,
    headers: { 'content-type': asset.mimeType, 'content-length': String(asset.bytes.length) },
  });
}

/** Fault `download_failure`: the asset host answers `status` (default 500) instead of the bytes. */
function downloadFailure(state: SimulatorState, incoming: IncomingRequest): Response | undefined {
  const fault = state.faults.take((candidate) => faultApplies(candidate, 'download', incoming.token, incoming.path));
  if (!fault) return undefined;
  const status = fault.status ?? 500;
  return jsonResponse(status, { code: 13, message: fault.message ?? 'asset storage unavailable', details: [] });
}
