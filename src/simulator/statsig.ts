// docs/upstream-protocol.md §4.4: any non-empty value passes; the strict mode
// mirrors the current reference, which trusts only values decoding to 70 bytes.
const STATSIG_DECODED_BYTES = 70;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function statsigAccepted(value: string | null, strict: boolean): boolean {
  const trimmed = value?.trim();
  if (!trimmed) return false;
  if (!strict) return true;
  if (!BASE64.test(trimmed)) return false;
  const unpadded = trimmed.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return false;
  return Buffer.from(unpadded, 'base64').length === STATSIG_DECODED_BYTES;
}
