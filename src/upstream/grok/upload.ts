import { Type } from '@sinclair/typebox';
import { pick } from './frames';

/**
 * Legacy JSON/base64 upload (docs/upstream-protocol.md §11.1): the returned
 * `fileMetadataId` goes into `fileAttachments` of a chat payload.
 */

export const UPLOAD_PATH = '/rest/app-chat/upload-file';

export interface UploadedFile {
  fileId: string;
  /** Path relative to the asset host, when the upstream gave one. */
  fileUri: string | null;
}

export function uploadBody(file: { name: string; mimeType: string; bytes: Uint8Array }): Record<string, string> {
  return { fileName: file.name, fileMimeType: file.mimeType, content: Buffer.from(file.bytes).toString('base64') };
}

const UploadAnswer = Type.Object({
  fileMetadataId: Type.String({ minLength: 1 }),
  fileUri: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export function parseUpload(value: unknown): UploadedFile | undefined {
  const answer = pick(UploadAnswer, value);
  if (!answer) return undefined;
  return { fileId: answer.fileMetadataId, fileUri: answer.fileUri || null };
}
