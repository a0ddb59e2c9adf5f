// What a media file is, decided from its first bytes (the upstream sometimes labels videos
// application/octet-stream and images .jpg whatever they are, §11.6), with the extension as
// the fallback.

export type MediaKind = 'image' | 'video';

export function sniffMediaType(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((byte, index) => head[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...head.slice(8, 12)) === 'WEBP') return 'image/webp';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (String.fromCharCode(...head.slice(4, 8)) === 'ftyp') return 'video/mp4';
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm';
  return null;
}

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

export function mediaTypeByName(name: string, kind: MediaKind): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? (kind === 'video' ? 'video/mp4' : 'image/jpeg');
}

export function extensionFor(mediaType: string): string {
  const found = Object.entries(BY_EXTENSION).find(([, type]) => type === mediaType);
  return found ? found[0] : 'bin';
}
