import { Elysia, type AnyElysia } from 'elysia';
import { ApiError } from './errors';
import { noteEarlyAnswer } from './early-answer';

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
  /** The route's template, for logs and metrics of a refusal. */
  path: string;
}

function routePattern(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      return segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
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
  private readonly exact = new Map<string, ProtectedRoute>();
  private readonly patterns: ProtectedRoute[] = [];

  /** Puts every route of the plugin behind the policy; returns the plugin for `.use()`. */
  protect<T extends AnyElysia>(plugin: T, policy: AccessPolicy): T {
    for (const route of plugin.routes) {
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        const entry = { method, pattern: routePattern(route.path), policy, path: route.path };
        if (/[:*]/.test(route.path)) this.patterns.push(entry);
        else this.exact.set(`${method} ${route.path.replace(/\/$/, '') || '/'}`, entry);
      }
    }
    return plugin;
  }

  /** The protected route a request goes to, or undefined for a public route. */
  routeOf(method: string, pathname: string): ProtectedRoute | undefined {
    const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
    const exact = this.exact.get(`${method} ${path}`) ?? this.exact.get(`ALL ${path}`);
    if (exact) return exact;
    const sameMethod = (route: ProtectedRoute) => route.method === method || route.method === 'ALL';
    return this.patterns.find((route) => sameMethod(route) && route.pattern.test(path));
  }

  /** The hook. A refusal is thrown: the error handler renders it in the route's own error shape. */
  plugin() {
    return new Elysia({ name: 'access-gate' }).onRequest(async ({ request }) => {
      const route = this.routeOf(request.method, pathnameOf(request.url));
      if (!route) return;
      try {
        await route.policy.check(request);
      } catch (error) {
        if (error instanceof ApiError) noteEarlyAnswer(request, error.status, route.path);
        throw error;
      }
    });
  }
}

/**
 * The policy, with the key also accepted as a query parameter when no Authorization header is
 * sent: an EventSource cannot send headers, so the Python project's streams take `?app_key=` or
 * `?function_key=`.
 */
export function acceptingQueryKey(policy: AccessPolicy, parameter: string): AccessPolicy {
  return {
    check(request) {
      const key = new URL(request.url).searchParams.get(parameter);
      if (key === null || request.headers.has('authorization')) return policy.check(request);
      const headers = new Headers(request.headers);
      headers.set('authorization', `Bearer ${key}`);
      return policy.check(new Request(request, { headers }));
    },
  };
}
