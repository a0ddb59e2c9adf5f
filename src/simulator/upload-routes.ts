import { randomUUID } from 'node:crypto';
import type { ResolvedAccount } from './account-registry';
import { invalidArgument, jsonResponse } from './canned-responses';
import { fileUri } from './file-store';
import { parseJsonObjectBody, parseMultipartBody, type IncomingRequest } from './incoming-request';
import type { SimulatorState } from './simulator-state';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** POST /rest/app-chat/upload-file: legacy JSON with base64 content (§11.1). */
export function handleLegacyUpload(
  state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Response {
  const fields = parseJsonObjectBody(incoming);
  if (!fields) return invalidArgument('body must be a JSON object');
  if (typeof fields.content !== 'string' || fields.content === '')
    return invalidArgument('content must be non-empty base64');
  // The reference sends plain standard base64 with no line breaks; anything else is a gateway bug.
  if (!STRICT_BASE64.test(fields.content)) return invalidArgument('content is not valid base64');
  const bytes = new Uint8Array(Buffer.from(fields.content, 'base64'));
  if (bytes.length === 0) return invalidArgument('content decodes to no bytes');
  const fileName = typeof fields.fileName === 'string' && fields.fileName !== '' ? fields.fileName : 'upload.bin';
  const mimeType =
    typeof fields.fileMimeType === 'string' && fields.fileMimeType !== ''
      ? fields.fileMimeType
      : 'application/octet-stream';
  const file = state.files.save(account.userId, fileName, mimeType, bytes);
  return jsonResponse(200, { fileMetadataId: file.fileMetadataId, fileUri: fileUri(file) });
}

/** POST /http/upload-file-v2/direct: multipart with a `file` part (§11.2). */
export async function handleDirectUpload(
  state: SimulatorState,
  incoming: IncomingRequest,
  account: ResolvedAccount,
): Promise<Response> {
  const form = await parseMultipartBody(incoming);
  if (!form) return invalidArgument('body must be multipart/form-data');
  const part = form.get('file');
  if (part === null || typeof part === 'string') return invalidArgument('a file part named "file" is required');
  const bytes = new Uint8Array(await part.arrayBuffer());
  if (bytes.length === 0) return invalidArgument('the file is empty');
  // Only the web app's Imagine value is known (§11.2); anything else is refused as the upstream would.
  const source = form.get('file_source');
  if (source !== null && source !== 'IMAGINE_SELF_UPLOAD_FILE_SOURCE') return invalidArgument('unknown file_source');
  const mimeType = part.type || 'application/octet-stream';
  const file = state.files.save(account.userId, part.name || 'upload.bin', mimeType, bytes);
  return jsonResponse(200, {
    uploadId: randomUUID(),
    fileMetadata: { fileMetadataId: file.fileMetadataId, fileId: randomUUID(), fileUri: fileUri(file) },
    terminalError: null,
  });
}
