import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse } from './canned-responses';
import type { IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';

/**
 * The account's stored files (docs/upstream-protocol.md §11.3–11.4): the listing pages
 * through the owner's uploads with an opaque `nextPageToken`; a delete removes one, only for its
 * owner.
 */

const MAX_PAGE_SIZE = 100;

export function handleListAssets(state: SimulatorState, incoming: IncomingRequest, account: ResolvedAccount): Response {
  const pageSize = Number(incoming.recorded.query.pageSize ?? '50');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    return invalidArgument(`pageSize must be 1–${MAX_PAGE_SIZE}`);
  const pageToken = incoming.recorded.query.pageToken ?? '';
  const offset =
    pageToken === ''
      ? 0
      : Number(
          Buffer.from(pageToken, 'base64url')
            .toString()
            .replace(/^offset:/, ''),
        );
  if (!Number.isInteger(offset) || offset < 0) return invalidArgument('pageToken is not valid');
  const files = state.files.owned(account.userId);
  const page = files.slice(offset, offset + pageSize);
  const nextOffset = offset + page.length;
  return jsonResponse(200, {
    assets: page.map((file) => ({
      assetId: file.fileMetadataId,
      name: file.fileName,
      mimeType: file.mimeType,
      sizeBytes: String(file.bytes.length),
      key: `users/${file.ownerUserId}/${file.fileMetadataId}/content`,
    })),
    nextPageToken: nextOffset < files.length ? Buffer.from(`offset:${nextOffset}`).toString('base64url') : '',
  });
}

export function handleDeleteAsset(
  state: SimulatorState,
  _incoming: IncomingRequest,
  account: ResolvedAccount,
  assetId: string,
): Response {
  const file = state.files.get(assetId);
  if (!file || file.ownerUserId !== account.userId)
    return jsonResponse(404, { code: 5, message: 'asset not found', details: [] });
  state.files.delete(assetId);
  return jsonResponse(200, {});
}
