import { bearerToken, requireBearer, unauthorized } from '../../auth/bearer';
import { ApiError } from '../../http/errors';
import type { SessionStore } from './session-store';

/**
 * Admin credentials: a Bearer `app.app_key` (scripts) or a console session cookie. This is the
 * admin route groups' access policy (src/http/route-groups.ts): it runs before the body is read,
 * looks the session up in storage, and remembers how each request it let through authenticated.
 *
 * A cookie is sent by the browser on its own, so a cookie-authenticated call that changes state
 * must also carry the session's CSRF token in `x-csrf-token` — a page on another site cannot read
 * it. (SameSite=Strict already stops most cross-site sends; this covers the rest.) A Bearer header
 * is never attached by a browser on its own, so Bearer calls need no CSRF token.
 */

export const SESSION_COOKIE = 'grok2api_session';
export const CSRF_HEADER = 'x-csrf-token';

export type AdminCredential = 'bearer' | 'session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

export class AdminAuth {
  private readonly passed = new WeakMap<Request, AdminCredential>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly appKey: () => string,
  ) {}

  /** Lets the request through with a Bearer app key or a live session (and its CSRF token); throws 401/403. */
  async check(request: Request): Promise<void> {
    const appKey = this.appKey();
    if (appKey.trim() === '') throw unauthorized('App key is not configured');
    if (bearerToken(request.headers.get('authorization')) === null) {
      const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
      const session = cookie ? await this.sessions.find(cookie, appKey) : null;
      if (session) {
        const csrf = request.headers.get(CSRF_HEADER);
        if (!SAFE_METHODS.has(request.method) && csrf !== session.csrfToken) {
          throw new ApiError({
            status: 403,
            message: `Missing or wrong ${CSRF_HEADER} header for a signed-in state-changing call.`,
            code: 'csrf_failed',
          });
        }
        this.passed.set(request, 'session');
        return;
      }
    }
    requireBearer(request.headers.get('authorization'), [appKey]);
    this.passed.set(request, 'bearer');
  }

  /** How a request the policy let through authenticated; a request it did not check has no credential (401). */
  credentialOf(request: Request): AdminCredential {
    const credential = this.passed.get(request);
    if (!credential) throw unauthorized('Missing authentication token. Send "Authorization: Bearer <key>".');
    return credential;
  }

  /** Whether the request carries a live console session cookie (any method; no CSRF check). */
  async signedIn(request: Request): Promise<boolean> {
    const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (!cookie || this.appKey().trim() === '') return false;
    return (await this.sessions.find(cookie, this.appKey())) !== null;
  }
}
