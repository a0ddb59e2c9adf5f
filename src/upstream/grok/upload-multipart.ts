import { Type } from '@sinclair/typebox';
import { pick } from './frames';
import type { UploadedFile } from './upload';

/**
 * The current multipart upload `POST /http/upload-file-v2/direct`
 * (docs/upstream-protocol.md §11.2). The id it returns works as a chat attachment on
 * both transports.
 */

export const MULTIPART_UPLOAD_PATH = '/http/upload-file-v2/direct';

/** §11.2: written like a browser writes it; control characters become `_`, empty → upload.bin. */
export function browserFileName(name: string): string {
  const cleaned = name.replace(/[\r\n]/g, '').replace(/[\u0000-\u001F\u007F]/g, '_');
  return cleaned || 'upload.bin';
}

export interface MultipartBody {
  body: Uint8Array<ArrayBuffer>;
  /** `multipart/form-data; boundary=…`, sent in its place in the header list. */
  contentType: string;
}

const BOUNDARY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Chrome's boundary shape: `----WebKitFormBoundary` and 16 letters or digits. */
export function webKitBoundary(random: () => number = Math.random): string {
  let suffix = '';
  for (let index = 0; index < 16; index++) suffix += BOUNDARY_ALPHABET[Math.floor(random() * BOUNDARY_ALPHABET.length)];
  return `----WebKitFormBoundary${suffix}`;
}

/**
 * The body a browser's FormData makes (written here rather than by fetch, so the Content-Type
 * keeps its place among the headers and the boundary looks like Chrome's). Chat attachments send
 * only the `file` part; Imagine uploads (image edit, video references) name their source.
 */
export function multipartUploadForm(
  file: { name: string; mimeType: string; bytes: Uint8Array },
  imagine = false,
  boundary = webKitBoundary(),
): MultipartBody {
  const quotedName = browserFileName(file.name).replace(/[\\"]/g, (character) => `\\${character}`);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quotedName}"\r\n` +
        `Content-Type: ${file.mimeType || 'application/octet-stream'}\r\n\r\n`,
    ),
    file.bytes,
    encoder.encode('\r\n'),
  ];
  if (imagine) {
    const field = 'Content-Disposition: form-data; name="file_source"';
    parts.push(encoder.encode(`--${boundary}\r\n${field}\r\n\r\nIMAGINE_SELF_UPLOAD_FILE_SOURCE\r\n`));
  }
  parts.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
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
