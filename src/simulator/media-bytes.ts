import { deflateSync } from 'node:zlib';

// Real, tiny media files: a gateway that checks magic bytes, content types or decodes a PNG
// must get something genuine from the simulator, and each id yields different bytes so
// de-duplication and ordering are observable.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = new TextEncoder().encode(type);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typeBytes, 4);
  out.set(data, 8);
  const crcInput = new Uint8Array(4 + data.length);
  crcInput.set(typeBytes, 0);
  crcInput.set(data, 4);
  view.setUint32(8 + data.length, Bun.hash.crc32(crcInput) >>> 0);
  return out;
}

function colourFor(seed: string): [number, number, number] {
  const hash = Bun.hash.crc32(seed) >>> 0;
  return [hash & 0xff, (hash >>> 8) & 0xff, (hash >>> 16) & 0xff];
}

/**
 * A size×size PNG in one colour derived from `seed`, with the seed in a tEXt chunk;
 * `paddingBytes` adds an uncompressed comment so the file reaches a given size (finals of the
 * Imagine WebSocket must be ≥ 100 000 base64 characters, §17).
 */
export function pngFor(seed: string, size = 4, paddingBytes = 0): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, size);
  headerView.setUint32(4, size);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const [red, green, blue] = colourFor(seed);
  const row = [0, ...Array.from({ length: size }, () => [red, green, blue]).flat()];
  const raw = new Uint8Array(Array.from({ length: size }, () => row).flat());
  const text = new TextEncoder().encode(`Comment\0${seed}${'.'.repeat(paddingBytes)}`);
  const parts = [
    new Uint8Array(PNG_SIGNATURE),
    chunk('IHDR', header),
    chunk('tEXt', text),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** An MP4 container head (`ftyp` + `mdat`) whose payload names the seed. */
export function mp4For(seed: string, payloadBytes = 4096): Uint8Array<ArrayBuffer> {
  const ftyp = [0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isomiso2')];
  const payload = new Uint8Array(payloadBytes);
  const label = new TextEncoder().encode(seed);
  for (let index = 0; index < payloadBytes; index++) payload[index] = label[index % label.length] ?? 0;
  const mdatHeader = new Uint8Array(8);
  new DataView(mdatHeader.buffer).setUint32(0, 8 + payloadBytes);
  mdatHeader.set(Buffer.from('mdat'), 4);
  const out = new Uint8Array(ftyp.length + 8 + payloadBytes);
  out.set(ftyp, 0);
  out.set(mdatHeader, ftyp.length);
  out.set(payload, ftyp.length + 8);
  return out;
}
