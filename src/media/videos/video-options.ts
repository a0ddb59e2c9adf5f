import type { Config } from '../../config/schema';
import type { LoadedAttachment } from '../../attachments/attachment-loader';
import { AttachmentError, loadAttachment } from '../../attachments/attachment-loader';
import { imageProblem } from '../../attachments/image-dimensions';
import { aspectRatioOf, ASPECT_RATIOS, IMAGE_SIZES } from '../images/image-sizes';
import { sniffMediaType } from '../../attachments/media-type';
import { PRESET_MODES } from '../../upstream/grok/video-calls';
import { invalidRequest } from '../../http/errors';

/**
 * Fields of POST /v1/videos (docs/python-compatibility.md §1.6, OpenAI's videos shape)
 * and of chat's `video_config`, each failure a 400 naming the field.
 */

export const VIDEO_MODEL = 'grok-imagine-1.0-video';
export const MIN_SECONDS = 6;
export const MAX_SECONDS = 30;
const QUALITY: Record<string, '480p' | '720p'> = { standard: '480p', high: '720p' };
const RESOLUTIONS = ['480p', '720p'] as const;
const MAX_REFERENCE_BYTES = 20 * 1024 * 1024;

export interface VideoOptions {
  prompt: string;
  seconds: number;
  size: string;
  aspectRatio: string;
  quality: string;
  resolution: '480p' | '720p';
  preset: string;
}

export function readSeconds(raw: unknown, param: string): number {
  if (raw === undefined || raw === null || raw === '') return MIN_SECONDS;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_SECONDS || value > MAX_SECONDS) {
    throw invalidRequest(
      `'${param}' must be a whole number of seconds between ${MIN_SECONDS} and ${MAX_SECONDS}.`,
      param,
      'invalid_seconds',
    );
  }
  return value;
}

export function readPreset(raw: unknown, param: string): string {
  if (raw === undefined || raw === null || raw === '') return 'custom';
  if (typeof raw !== 'string' || !(raw in PRESET_MODES))
    throw invalidRequest(`'${param}' must be one of ${Object.keys(PRESET_MODES).join(', ')}.`, param, 'invalid_preset');
  return raw;
}

export function readVideoOptions(fields: Record<string, unknown>): VideoOptions {
  const prompt = fields.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '')
    throw invalidRequest('prompt is required.', 'prompt', 'empty_prompt');
  const model = fields.model ?? VIDEO_MODEL;
  if (model !== VIDEO_MODEL)
    throw invalidRequest(
      `The model '${String(model)}' cannot generate videos. Use ${VIDEO_MODEL}.`,
      'model',
      'model_not_supported',
    );
  const size = fields.size ?? '1792x1024';
  if (typeof size !== 'string' || !IMAGE_SIZES[size]) {
    throw invalidRequest(
      `Invalid size '${String(size)}'. Supported sizes: ${Object.keys(IMAGE_SIZES).join(', ')}.`,
      'size',
      'invalid_size',
    );
  }
  const quality = fields.quality ?? 'standard';
  if (typeof quality !== 'string' || !QUALITY[quality])
    throw invalidRequest("quality must be one of 'standard', 'high'.", 'quality', 'invalid_quality');
  return {
    prompt: prompt.trim(),
    seconds: readSeconds(fields.seconds, 'seconds'),
    size,
    aspectRatio: IMAGE_SIZES[size]!,
    quality,
    resolution: QUALITY[quality]!,
    preset: readPreset(fields.preset, 'preset'),
  };
}

/**
 * Chat's `video_config` (and the playground's video form, whose fields are the same at the top
 * level: pass `prefix` ''). The aspect ratio may also be one of the five sizes, as the Python
 * project accepts (docs/python-compatibility.md §1.2): `1280x720` is 16:9, `1792x1024` 3:2, …
 */
export function readVideoConfig(
  config: Record<string, unknown> | undefined,
  prefix = 'video_config.',
): Pick<VideoOptions, 'seconds' | 'aspectRatio' | 'resolution' | 'preset'> {
  const fields = config ?? {};
  const raw = fields.aspect_ratio ?? '3:2';
  const ratio = typeof raw === 'string' ? aspectRatioOf(raw) : null;
  if (ratio === null) {
    const allowed = [...ASPECT_RATIOS, ...Object.keys(IMAGE_SIZES)].join(', ');
    const param = `${prefix}aspect_ratio`;
    throw invalidRequest(`${param} must be one of ${allowed}.`, param, 'invalid_aspect_ratio');
  }
  const resolution = fields.resolution_name ?? '480p';
  if (typeof resolution !== 'string' || !(RESOLUTIONS as readonly string[]).includes(resolution)) {
    const param = `${prefix}resolution_name`;
    throw invalidRequest(`${param} must be 480p or 720p.`, param, 'invalid_resolution');
  }
  return {
    seconds: readSeconds(fields.video_length, `${prefix}video_length`),
    aspectRatio: ratio,
    resolution: resolution as '480p' | '720p',
    preset: readPreset(fields.preset, `${prefix}preset`),
  };
}

function checkedImage(file: LoadedAttachment, param: string): LoadedAttachment {
  if (file.bytes.byteLength === 0) throw invalidRequest(`${param} is empty.`, param, 'empty_file');
  const mimeType = sniffMediaType(file.bytes.subarray(0, 16));
  if (mimeType !== 'image/png' && mimeType !== 'image/jpeg' && mimeType !== 'image/webp') {
    throw invalidRequest(`${param} must be a PNG, JPEG or WebP image.`, param, 'invalid_image_type');
  }
  return { ...file, mimeType };
}

/** The first reference image: a multipart `input_reference` file, else `image_reference` (URL, data URI, or image_url block, alone or in an array). */
export async function readReference(
  fields: Record<string, unknown>,
  form: FormData | undefined,
  options: { fetch?: typeof fetch; config: Config; signal?: AbortSignal },
): Promise<LoadedAttachment | undefined> {
  const upload = form?.get('input_reference');
  if (upload && typeof upload !== 'string') {
    if (upload.size > MAX_REFERENCE_BYTES)
      throw invalidRequest('input_reference is larger than 20 MB.', 'input_reference', 'file_too_large');
    const bytes = new Uint8Array(await upload.arrayBuffer());
    const problem = imageProblem(bytes, options.config.limits.max_image_pixels);
    if (problem) throw invalidRequest(`input_reference: ${problem.message}`, 'input_reference', problem.code);
    return checkedImage({ name: upload.name || 'reference', mimeType: upload.type, bytes }, 'input_reference');
  }
  if (!form && fields.input_reference !== undefined)
    throw invalidRequest(
      'input_reference must be uploaded as a multipart/form-data file; use image_reference for URLs.',
      'input_reference',
      'invalid_reference',
    );
  let raw = fields.image_reference;
  if (typeof raw === 'string' && form && raw.trim().startsWith('[')) {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw invalidRequest(
        'image_reference must be a JSON array of URLs in multipart bodies.',
        'image_reference',
        'invalid_reference',
      );
    }
  }
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  const source = typeof first === 'string' ? first : imageUrlOf(first);
  const param = Array.isArray(raw) ? 'image_reference[0]' : 'image_reference';
  if (!source)
    throw invalidRequest(
      `${param} must be a URL, a data URI or {"type":"image_url","image_url":{"url":...}}.`,
      param,
      'invalid_reference',
    );
  try {
    const file = await loadAttachment(
      { kind: 'image', source },
      {
        maxBytes: MAX_REFERENCE_BYTES,
        timeoutMs: options.config.asset.download_timeout * 1000,
        fetch: options.fetch,
        signal: options.signal,
        maxImagePixels: options.config.limits.max_image_pixels,
      },
    );
    return checkedImage(file, param);
  } catch (error) {
    if (error instanceof AttachmentError) throw invalidRequest(error.message, param, error.code ?? 'invalid_reference');
    throw error;
  }
}

function imageUrlOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const imageUrl = (value as Record<string, unknown>).image_url;
  if (typeof imageUrl === 'string') return imageUrl;
  if (
    typeof imageUrl === 'object' &&
    imageUrl !== null &&
    typeof (imageUrl as Record<string, unknown>).url === 'string'
  )
    return (imageUrl as Record<string, string>).url;
  return undefined;
}
