import { invalidRequest } from '../../http/errors';

/** OpenAI sizes the seed accepts and the Grok aspect ratio of each (docs/upstream-protocol.md §12.3). */
export const IMAGE_SIZES: Readonly<Record<string, string>> = {
  '1280x720': '16:9',
  '720x1280': '9:16',
  '1792x1024': '3:2',
  '1024x1792': '2:3',
  '1024x1024': '1:1',
};

export const DEFAULT_IMAGE_SIZE = '1024x1024';

/** The aspect ratio of `size`, or a 400 that lists the allowed values. */
export function aspectRatioFor(size: string | undefined, param = 'size'): string {
  const chosen = size ?? DEFAULT_IMAGE_SIZE;
  const ratio = IMAGE_SIZES[chosen];
  if (!ratio) {
    throw invalidRequest(
      `Invalid size '${chosen}'. Supported sizes: ${Object.keys(IMAGE_SIZES).join(', ')}.`,
      param,
      'invalid_size',
    );
  }
  return ratio;
}

/** The five Grok aspect ratios, in the order the sizes list them. */
export const ASPECT_RATIOS: readonly string[] = Object.values(IMAGE_SIZES);

/**
 * An aspect ratio given as a ratio (`16:9`) or as one of the sizes (`1280x720`), as the Python
 * project accepts both (docs/python-compatibility.md §1.2); null for anything else.
 */
export function aspectRatioOf(value: string): string | null {
  const trimmed = value.trim();
  if (ASPECT_RATIOS.includes(trimmed)) return trimmed;
  return IMAGE_SIZES[trimmed] ?? null;
}

/** The size whose aspect ratio is `ratio` (the inverse of IMAGE_SIZES). */
export function sizeForAspectRatio(ratio: string): string {
  return Object.entries(IMAGE_SIZES).find(([, each]) => each === ratio)?.[0] ?? DEFAULT_IMAGE_SIZE;
}
