import { sniffMediaType } from './media-type';

/**
 * Width and height of an image read from its header, without decoding it: enough to refuse a
 * "decompression bomb" (a tiny file that declares a huge canvas) before it is forwarded.
 * PNG, GIF, JPEG and WebP (lossy, lossless, extended); null when the format is not recognised.
 */

export interface ImageDimensions {
  width: number;
  height: number;
}

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length));

function jpegDimensions(bytes: Uint8Array, view: DataView): ImageDimensions | null {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = view.getUint16(offset + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}

export function imageDimensions(bytes: Uint8Array): ImageDimensions | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG' && ascii(bytes, 12, 4) === 'IHDR') {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && ascii(bytes, 0, 3) === 'GIF')
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegDimensions(bytes, view);
  if (bytes.length >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const chunk = ascii(bytes, 12, 4);
    if (chunk === 'VP8 ')
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') {
      const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
      const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
      return { width, height };
    }
  }
  return null;
}

/** A refusal message when the header declares more than `maxPixels`, else null (also when unknown). */
export function oversizedImageMessage(bytes: Uint8Array, maxPixels: number | undefined): string | null {
  if (maxPixels === undefined) return null;
  const size = imageDimensions(bytes);
  if (!size || size.width * size.height <= maxPixels) return null;
  return `An image is ${size.width}x${size.height} pixels; at most ${maxPixels} pixels are accepted.`;
}

export interface ImageProblem {
  code: string;
  message: string;
}

/**
 * Why these bytes are not an image we may forward, or null: empty, not an image by its magic
 * number (whatever the label says), a header that does not decode (truncated or damaged), or more
 * pixels than allowed. Every route checks attachments with this before anything is uploaded.
 */
export function imageProblem(bytes: Uint8Array, maxPixels: number | undefined): ImageProblem | null {
  if (bytes.byteLength === 0) return { code: 'empty_file', message: 'The image is empty (0 bytes).' };
  if (!sniffMediaType(bytes.subarray(0, 16))?.startsWith('image/')) {
    const message = 'The bytes are not a PNG, JPEG, WebP or GIF image, whatever their label says.';
    return { code: 'invalid_image_type', message };
  }
  const size = imageDimensions(bytes);
  if (!size || size.width === 0 || size.height === 0) {
    return { code: 'invalid_image', message: 'The image header cannot be read: the file is truncated or damaged.' };
  }
  const oversized = oversizedImageMessage(bytes, maxPixels);
  return oversized ? { code: 'image_too_large', message: oversized } : null;
}
