import { createHash } from 'node:crypto';

// A token always maps to the same user id, so asset paths and session answers stay stable
// across simulator restarts without any storage.
export function userIdForToken(token: string): string {
  const hex = createHash('sha256').update(token).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function emailForToken(token: string): string {
  return `${token.slice(0, 8)}@sim.local`;
}
