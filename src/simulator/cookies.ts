export function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const name = part.slice(0, separator).trim();
    if (!name || name in cookies) continue;
    cookies[name] = part.slice(separator + 1).trim();
  }
  return cookies;
}

/** The session token: `sso`, or its read/write twin `sso-rw` when only that one was sent. */
export function ssoToken(cookies: Record<string, string>): string | undefined {
  const token = cookies.sso || cookies['sso-rw'];
  return token ? token : undefined;
}
