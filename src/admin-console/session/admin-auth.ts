import { Elysia } from 'elysia';
import { bearerToken, requireBearer, unauthorized } from '../../auth/bearer';
import { ApiError } from '../../http/errors';
import type { SessionStore } from './session-store';

/**
 * Admin credentials: a Bearer `app.app_key` (scripts) or a console session cookie. The session
 * lookup reads storage, so it runs once per request in an async onRequest hook and leaves its
 * verdict in a WeakMap keyed by the request; the route guards stay synchronous and only read it.
 *
 * A cookie is sent by the browser on its own, so a cookie-authenticated call that changes state
 * must also carry the session's CSRF token in `x-csrf-token` — a page on another site cannot read
 * it. (SameSite=Strict already stops most cross-site sends; this covers the rest.) A Bearer header
 * is never attached by a browser on its own, so Bearer calls need no CSRF token.
 */

export const SESSION_COOKIE = 'grok2api_session';
export const CSRF_HEADER = 'x-csrf-token';

type Verdict = 'session' | 'csrf_missing';

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
  private readonly verdicts = new WeakMap<Request, Verdict>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly appKey: () => string,
  ) {}

  /** Resolves the session cookie of admin calls before routing. */
  plugin() {
    return new Elysia({ name: 'admin-session-auth' }).onRequest(async ({ request }) => {
      const path = new URL(request.url).pathname;
      if (!path.startsWith('/v1/admin/')) return;
      if (bearerToken(request.headers.get('authorization')) !== null) return;
      const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
      if (!cookie || this.appKey().trim() === '') return;
      const session = await this.sessions.find(cookie, this.appKey());
      if (!session) return;
      const safe = SAFE_METHODS.has(request.method);
      const csrf = request.headers.get(CSRF_HEADER);
      this.verdicts.set(request, safe || csrf === session.csrfToken ? 'session' : 'csrf_missing');
    });
  }

  /** How the request authenticated; throws 401/403 when it did not. */
  check(request: Request): 'bearer' | 'session' {
    const appKey = this.appKey();
    if (appKey.trim() === '') throw unauthorized('App key is not configured');
    if (bearerToken(request.headers.get('authorization')) === null) {
      const verdict = this.verdicts.get(request);
      if (verdict === 'session') return 'session';
      if (verdict === 'csrf_missing') {
        throw new ApiError({
          status: 403,
          message: `Missing or wrong ${CSRF_HEADER} header for a signed-in state-changing call.`,
          code: 'csrf_failed',
        });
      }
    }
    requireBearer(request.headers.get('authorization'), [appKey]);
    return 'bearer';
  }

  /** Whether the request carries a live console session cookie (any method; no CSRF check). */
  async signedIn(request: Request): Promise<boolean> {
    const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    if (!cookie || this.appKey().trim() === '') return false;
    return (await this.sessions.find(cookie, this.appKey())) !== null;
  }

  /** The guard the admin route plugins take. */
  readonly guard = (request: Request): void => {
    this.check(request);
  };
}
