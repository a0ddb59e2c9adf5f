import { Elysia, type AnyElysia } from 'elysia';
import { ApiError } from '../openai/errors';
import { noteError } from '../logging/request-context';

/**
 * Authentication before any body is read, one mechanism for every route group. A feature plugin
 * is handed to `protect` with the policy that guards it (client API key, admin key or session,
 * playground key); the gate's onRequest hook, which runs before routing and body parsing, finds the
 * route's policy and runs it. A refused request is answered there: its body is never read, parsed
 * or validated. Routes of plugins not handed to `protect` are public (health, pages, /docs).
 */

export interface AccessPolicy {
  /** Resolves when the request may go on; throws an ApiError (401/403/429) when it may not. */
  check(request: Request): void | Promise<void>;
}

interface ProtectedRoute {
  method: string;
  pattern: RegExp;
  policy: AccessPolicy;
}

function routePattern(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}

function pathnameOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

export class AccessGate {
  /** Static paths by `METHOD path`, looked up first; parametrised routes are matched in order. */
  private readonly exact = new Map<string, AccessPolicy>();
  private readonly patterns: ProtectedRoute[] = [];

  /** Puts every route of the plugin behind the policy; returns the plugin for `.use()`. */
  protect<T extends AnyElysia>(plugin: T, policy: AccessPolicy): T {
    for (const route of plugin.routes) {
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        if (/[:*]/.test(route.path)) this.patterns.push({ method, pattern: routePattern(route.path), policy });
        else this.exact.set(`${method} ${route.path.replace(/\/$/, '') || '/'}`, policy);
      }
    }
    return plugin;
  }

  /** The policy of a request's route, or undefined for a public route. */
  policyOf(method: string, pathname: string): AccessPolicy | undefined {
    const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
    const exact = this.exact.get(`${method} ${path}`) ?? (method === 'OPTIONS' ? undefined : this.exact.get(`ALL ${path}`));
    if (exact) return exact;
    return this.patterns.find((route) => (route.method === method || route.method === 'ALL') && route.pattern.test(path))?.policy;
  }

  /** The hook; `render` answers a refusal in the route's own error shape. */
  plugin(render: (error: ApiError, request: Request) => Response) {
    return new Elysia({ name: 'access-gate' }).onRequest(async ({ request }) => {
      const policy = this.policyOf(request.method, pathnameOf(request.url));
      if (!policy) return;
      try {
        await policy.check(request);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        noteError(error.code, error.param);
        return render(error, request);
      }
    });
  }
}
