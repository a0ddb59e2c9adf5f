import { imageProblem } from './image-dimensions';
import { sniffMediaType } from './media-type';
import { fetchRemoteFile, RemoteFetchError, type RemoteFetchOptions } from './remote-fetch';

export interface AttachmentSource {
  kind: 'image' | 'file' | 'audio';
  /** An http(s) URL or a `data:<mime>;base64,<data>` URI. */
  source: string;
  filename?: string;
}

export interface LoadedAttachment {
  name: string;
  mimeType: string;
  bytes: Uint8Array;
}

const EXTENSION_BY_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
};

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
};

const DATA_URI = /^data:([^;,]*)(;[^,]*)?,(.*)$/s;

/** Decodes a `data:` URI; only base64 payloads are accepted, as the upstream wants bytes. */
export function decodeDataUri(uri: string): { mimeType: string; bytes: Uint8Array } | null {
  const match = DATA_URI.exec(uri);
  if (!match || !(match[2] ?? '').includes(';base64')) return null;
  const payload = match[3]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) return null;
  return { mimeType: match[1] || 'application/octet-stream', bytes: new Uint8Array(Buffer.from(payload, 'base64')) };
}

function nameFromUrl(url: URL, mimeType: string): string {
  const last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  return last || `file.${EXTENSION_BY_MIME[mimeType] ?? 'bin'}`;
}

function mimeFromName(name: string): string | null {
  const extension = name.split('.').pop()?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? null;
}

export class AttachmentError extends Error {
  constructor(
    message: string,
    /** A specific code (empty_file, invalid_image_type, …) when there is one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

export interface AttachmentOptions extends RemoteFetchOptions {
  /** Largest width × height of an image (read from its header); absent = not checked. */
  maxImagePixels?: number;
}

/**
 * Refuses an empty attachment, and an image that is not one by its bytes, does not decode, or
 * declares more pixels than allowed — the client's mistake, answered 400 before any upload. An
 * image goes upstream with the type its bytes prove, not the label it came with.
 */
function checkAttachment(
  loaded: LoadedAttachment,
  kind: AttachmentSource['kind'],
  maxImagePixels: number | undefined,
): LoadedAttachment {
  if (loaded.bytes.byteLength === 0) throw new AttachmentError('The attachment is empty (0 bytes).', 'empty_file');
  if (kind !== 'image' && !loaded.mimeType.startsWith('image/')) return loaded;
  const problem = imageProblem(loaded.bytes, maxImagePixels);
  if (problem) throw new AttachmentError(problem.message, problem.code);
  const mimeType = sniffMediaType(loaded.bytes.subarray(0, 16)) ?? loaded.mimeType;
  // A name whose extension says another type (file.jpeg holding a PNG) is renamed to match the bytes.
  const named = mimeFromName(loaded.name);
  const extension = EXTENSION_BY_MIME[mimeType];
  const name =
    named && named !== mimeType && extension ? loaded.name.replace(/\.[^.]*$/, `.${extension}`) : loaded.name;
  return { ...loaded, name, mimeType };
}

/** Turns a client attachment into bytes to upload, fetching URLs only through the address policy. */
export async function loadAttachment(
  attachment: AttachmentSource,
  options: AttachmentOptions,
): Promise<LoadedAttachment> {
  return checkAttachment(await loadBytes(attachment, options), attachment.kind, options.maxImagePixels);
}

async function loadBytes(attachment: AttachmentSource, options: RemoteFetchOptions): Promise<LoadedAttachment> {
  if (attachment.source.startsWith('data:')) {
    const decoded = decodeDataUri(attachment.source);
    if (!decoded) throw new AttachmentError('A data URI must be base64 encoded: data:<mime>;base64,<data>.');
    if (decoded.bytes.byteLength > options.maxBytes)
      throw new AttachmentError(`An attachment is larger than ${options.maxBytes} bytes.`);
    const subtype = EXTENSION_BY_MIME[decoded.mimeType] ?? decoded.mimeType.split('/')[1] ?? 'bin';
    return { name: attachment.filename ?? `file.${subtype}`, mimeType: decoded.mimeType, bytes: decoded.bytes };
  }
  try {
    const remote = await fetchRemoteFile(attachment.source, options);
    const name = attachment.filename ?? nameFromUrl(remote.finalUrl, remote.mimeType ?? '');
    const mimeType =
      remote.mimeType && remote.mimeType !== 'application/octet-stream'
        ? remote.mimeType
        : (mimeFromName(name) ?? 'application/octet-stream');
    return { name, mimeType, bytes: remote.bytes };
  } catch (error) {
    if (error instanceof RemoteFetchError)
      throw new AttachmentError(`Attachment ${attachment.source.slice(0, 200)}: ${error.message}`);
    throw error;
  }
}
