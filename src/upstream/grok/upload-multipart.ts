import { Type } from '@sinclair/typebox';
import { pick } from './frames';
import type { UploadedFile } from './upload';

/**
 * The current multipart upload `POST /http/upload-file-v2/direct`
 * (../shared/spec/grok-web-protocol.md §11.2). The id it returns works as a chat attachment on
 * both transports.
 */

export const MULTIPART_UPLOAD_PATH = '/http/upload-file-v2/direct';

/** §11.2: written like a browser writes it; control characters become `_`, empty → upload.bin. */
export function browserFileName(name: string): string {
  const cleaned = name.replace(/[\r\n]/g, '').replace(/[\u0000-\u001F\u007F]/g, '_');
  return cleaned || 'upload.bin';
}

/** What the web app sends as `file_source` for an image uploaded to be edited in Imagine (§11.2). */
export const IMAGINE_FILE_SOURCE = 'IMAGINE_SELF_UPLOAD_FILE_SOURCE';

/** Chat attachments send only the `file` part; Imagine uploads add `file_source` after it. */
export function multipartUploadForm(
  file: { name: string; mimeType: string; bytes: Uint8Array },
  fileSource?: string,
): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), browserFileName(file.name));
  if (fileSource) form.append('file_source', fileSource);
  return form;
}

const Text = Type.String({ minLength: 1 });
const Answer = Type.Object({
  uploadId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  fileMetadata: Type.Optional(
    Type.Union([
      Type.Object({
        fileMetadataId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        fileId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        fileUri: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      }),
      Type.Null(),
    ]),
  ),
  terminalError: Type.Optional(Type.Unknown()),
});

export type MultipartUploadResult = { ok: true; file: UploadedFile } | { ok: false; problem: string };

export function parseMultipartUpload(value: unknown): MultipartUploadResult {
  const answer = pick(Answer, value);
  if (!answer) return { ok: false, problem: 'the answer is not an upload result' };
  const terminal = answer.terminalError;
  if (terminal !== undefined && terminal !== null && terminal !== false && terminal !== 0 && terminal !== '') {
    return { ok: false, problem: 'the upstream rejected the upload (terminalError)' };
  }
  const metadata = answer.fileMetadata ?? undefined;
  // §11.2: the metadata id, else the file id, else the upload id (asynchronous completion).
  const fileId = pick(Text, metadata?.fileMetadataId) ?? pick(Text, metadata?.fileId) ?? pick(Text, answer.uploadId);
  const fileUri = pick(Text, metadata?.fileUri) ?? null;
  if (!fileId) return { ok: false, problem: 'the answer has no file id' };
  return { ok: true, file: { fileId, fileUri } };
}
