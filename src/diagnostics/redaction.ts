/**
 * What a capture may keep of an upstream exchange: every header that can carry a credential is
 * replaced, and known secrets (the account token, cookie values) are cut out of bodies and URLs,
 * so a bundle can be attached to a bug report as it is.
 */

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization', 'x-statsig-id']);
export const REDACTED = '[redacted]';

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    result[lower] = SECRET_HEADERS.has(lower) ? cookieNamesOnly(lower, value) : value;
  }
  return result;
}

/** Cookie headers keep their names (which cookies were sent matters for a report), never values. */
function cookieNamesOnly(name: string, value: string): string {
  if (name !== 'cookie') return REDACTED;
  return value
    .split(';')
    .map((part) => part.split('=')[0]?.trim())
    .filter(Boolean)
    .map((cookie) => `${cookie}=${REDACTED}`)
    .join('; ');
}

/** The secrets a request carries: cookie values and the bearer/statsig values. */
export function secretsOf(headers: Headers | Record<string, string>): string[] {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const secrets: string[] = [];
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (lower === 'cookie') for (const part of value.split(';')) secrets.push(part.slice(part.indexOf('=') + 1).trim());
    else if (SECRET_HEADERS.has(lower)) secrets.push(value.replace(/^Bearer\s+/i, '').trim());
  }
  // Short values (e.g. "1") would shred ordinary text.
  return secrets.filter((secret) => secret.length >= 6);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(REDACTED);
  return result;
}

/** At most `maxBytes` of UTF-8, cut on a character boundary, with the original size. */
export function truncateText(text: string, maxBytes: number): { text: string; bytes: number; truncated: boolean } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text, bytes, truncated: false };
  let cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return { text: cut, bytes, truncated: true };
}
