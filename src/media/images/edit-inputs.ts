import { AttachmentError, loadAttachment, type LoadedAttachment } from '../../attachments/attachment-loader';
import { imageProblem } from '../../attachments/image-dimensions';
import { sniffMediaType } from '../../attachments/media-type';
import { invalidRequest } from '../../http/errors';

/** The images of an edit request, checked by their bytes (a name or content type proves nothing). */

export const MAX_EDIT_IMAGES = 16;
export const MAX_EDIT_IMAGE_BYTES = 50 * 1024 * 1024;
/** The seed sends only the most recent three images upstream (docs/python-compatibility.md §1.5). */
export const UPSTREAM_EDIT_IMAGES = 3;
const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp']);

function checked(name: string, bytes: Uint8Array, param: string, maxImagePixels?: number): LoadedAttachment {
  if (bytes.byteLength === 0) throw invalidRequest(`The image '${name}' is empty.`, param, 'empty_file');
  if (bytes.byteLength > MAX_EDIT_IMAGE_BYTES)
    throw invalidRequest(`The image '${name}' is larger than 50 MB.`, param, 'file_too_large');
  const mimeType = sniffMediaType(bytes.subarray(0, 16));
  if (!mimeType || !ACCEPTED.has(mimeType)) {
    throw invalidRequest(
      `The image '${name}' is not a PNG, JPEG or WebP file. Supported: png, jpg, webp.`,
      param,
      'invalid_image_type',
    );
  }
  const problem = imageProblem(bytes, maxImagePixels);
  if (problem) throw invalidRequest(`The image '${name}': ${problem.message}`, param, problem.code);
  return { name, mimeType, bytes };
}

function countCheck(count: number, param: string): void {
  if (count === 0) throw invalidRequest('An image is required.', param, 'missing_image');
  if (count > MAX_EDIT_IMAGES)
    throw invalidRequest(`Too many images. Maximum is ${MAX_EDIT_IMAGES}.`, param, 'invalid_image_count');
}

export async function imagesFromForm(form: FormData, maxImagePixels?: number): Promise<LoadedAttachment[]> {
  const files = [...form.getAll('image'), ...form.getAll('image[]')];
  countCheck(files.length, 'image');
  const loaded: LoadedAttachment[] = [];
  for (const file of files) {
    if (typeof file === 'string') throw invalidRequest("'image' must be uploaded as a file.", 'image', 'invalid_type');
    if (file.size > MAX_EDIT_IMAGE_BYTES)
      throw invalidRequest(`The image '${file.name}' is larger than 50 MB.`, 'image', 'file_too_large');
    loaded.push(checked(file.name || 'image', new Uint8Array(await file.arrayBuffer()), 'image', maxImagePixels));
  }
  return loaded.slice(-UPSTREAM_EDIT_IMAGES);
}

/** JSON: `images: [{image_url}|"url"]` (OpenAI's JSON edit shape) or `image: "url" | ["url"]`. */
export async function imagesFromJson(
  fields: Record<string, unknown>,
  options: { fetch?: typeof fetch; timeoutMs: number; signal?: AbortSignal; maxImagePixels?: number },
): Promise<LoadedAttachment[]> {
  const param = fields.images !== undefined ? 'images' : 'image';
  const raw = fields.images ?? fields.image;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  countCheck(list.length, param);
  const sources = list.map((entry, index) => {
    const value =
      typeof entry === 'string'
        ? entry
        : typeof entry === 'object' && entry !== null
          ? imageUrlOf(entry as Record<string, unknown>)
          : undefined;
    if (!value)
      throw invalidRequest(
        `${param}[${index}] must be a URL, a data URI or {"image_url": ...}.`,
        `${param}[${index}]`,
        'invalid_image',
      );
    return value;
  });
  const loaded: LoadedAttachment[] = [];
  for (const [index, source] of sources.slice(-UPSTREAM_EDIT_IMAGES).entries()) {
    const where = `${param}[${sources.length - Math.min(sources.length, UPSTREAM_EDIT_IMAGES) + index}]`;
    try {
      const file = await loadAttachment(
        { kind: 'image', source },
        {
          maxBytes: MAX_EDIT_IMAGE_BYTES,
          timeoutMs: options.timeoutMs,
          fetch: options.fetch,
          signal: options.signal,
          maxImagePixels: options.maxImagePixels,
        },
      );
      loaded.push(checked(file.name, file.bytes, where, options.maxImagePixels));
    } catch (error) {
      if (error instanceof AttachmentError) throw invalidRequest(error.message, where, 'invalid_image');
      throw error;
    }
  }
  return loaded;
}

function imageUrlOf(entry: Record<string, unknown>): string | undefined {
  const value = entry.image_url ?? entry.url;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).url === 'string')
    return (value as Record<string, string>).url;
  return undefined;
}
