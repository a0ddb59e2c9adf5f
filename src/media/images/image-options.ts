import type { Config } from '../../config/schema';
import { invalidRequest } from '../../http/errors';
import { aspectRatioFor } from './image-sizes';
import { normaliseFormat, RESPONSE_FORMATS, type ImageFormat } from './image-output';

/**
 * Checks of the /v1/images/* fields (docs/python-compatibility.md §1.4, §1.5), each
 * failure a 400 that names the field. Bodies are read by hand because the edit route takes both
 * multipart and JSON, and the two must fail the same way.
 */

export const GENERATION_MODELS = ['grok-imagine-1.0', 'grok-imagine-1.0-fast'];
export const EDIT_MODEL = 'grok-imagine-1.0-edit';
export const MAX_N = 10;
export const MAX_STREAM_N = 2;

export interface ImageOptions {
  model: string;
  prompt: string;
  n: number;
  size: string;
  /** Only when the client gave a size (an unknown size is a 400 from aspectRatioFor). */
  aspectRatio?: string;
  format: ImageFormat;
  stream: boolean;
  nsfw: boolean;
}

type Fields = Record<string, unknown>;

function integerField(fields: Fields, name: string, fallback: number): number {
  const raw = fields[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidRequest(`'${name}' must be an integer.`, name, 'invalid_type');
  return value;
}

function booleanField(fields: Fields, name: string, fallback: boolean): boolean {
  const raw = fields[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw invalidRequest(`'${name}' must be a boolean.`, name, 'invalid_type');
}

function stringField(fields: Fields, name: string): string | undefined {
  const raw = fields[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw invalidRequest(`'${name}' must be a string.`, name, 'invalid_type');
  return raw;
}

export function readImageOptions(
  fields: Fields,
  config: Config,
  allowedModels: string[],
  defaultModel: string,
): ImageOptions {
  const prompt = stringField(fields, 'prompt');
  if (!prompt || prompt.trim() === '') throw invalidRequest('Prompt cannot be empty.', 'prompt', 'empty_prompt');
  const model = stringField(fields, 'model') ?? defaultModel;
  if (!allowedModels.includes(model)) {
    throw invalidRequest(
      `The model '${model}' is not supported here. Supported: ${allowedModels.join(', ')}.`,
      'model',
      'model_not_supported',
    );
  }
  const stream = booleanField(fields, 'stream', false);
  const n = integerField(fields, 'n', 1);
  if (n < 1 || n > MAX_N) throw invalidRequest(`'n' must be between 1 and ${MAX_N}.`, 'n', 'invalid_n');
  if (stream && n > MAX_STREAM_N)
    throw invalidRequest(`Streaming is only supported when n is 1 or 2.`, 'n', 'invalid_stream_n');
  const givenSize = stringField(fields, 'size');
  const size = givenSize ?? '1024x1024';
  // docs/upstream-protocol.md §12.4: an edit without a size sends no aspectRatio, so the upstream
  // keeps the input's shape; the Imagine socket defaults to 1:1 on its own side of the call.
  const aspectRatio = givenSize === undefined ? undefined : aspectRatioFor(givenSize);
  const configuredFormat = config.app.image_format === 'markdown' ? 'url' : config.app.image_format;
  const format = stringField(fields, 'response_format') ?? configuredFormat;
  if (!(RESPONSE_FORMATS as readonly string[]).includes(format)) {
    throw invalidRequest(
      `Invalid response_format '${format}'. Supported: ${RESPONSE_FORMATS.join(', ')}.`,
      'response_format',
      'invalid_response_format',
    );
  }
  const nsfw = booleanField(fields, 'nsfw', config.image.nsfw);
  return { model, prompt: prompt.trim(), n, size, aspectRatio, format: normaliseFormat(format), stream, nsfw };
}
