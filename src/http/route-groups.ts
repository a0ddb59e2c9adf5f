import { Elysia, type AnyElysia } from 'elysia';
import { ApiError } from './errors';
import { noteEarlyAnswer } from './early-answer';

/**
 * One authentication mechanism for every route group. Each feature plugin declares once, with
 * `routeGroup`, who may call its routes and in which shape its errors are written; the composition
 * root adds it to the app through `RouteGroups.add`, which knows one access policy per kind of
 * credential. The gate's onRequest hook runs before routing and body parsing: it finds the route's
 * group and runs its policy, so a refused request is answered there and its body is never read,
 * parsed or validated. No handler checks a credential. The error handler asks the same table for
 * the route's error shape (e.g. Anthropic's on /v1/messages), so nothing matches URLs to choose it.
 */

export interface AccessPolicy {
  /** Resolves when the request may go on; throws an ApiError (401/403/429) when it may not. */
  check(request: Request): void | Promise<void>;
}

/** The credentials the root has a policy for: the client API, the admin API, the playground. */
export type AccessKind = 'client' | 'admin' | 'playground';

/** How a route group writes an error (a client dialect's envelope). */
export type ErrorShape = (error: ApiError) => Response;

export interface RouteGroupDeclaration {
  /** Who may call: a kind of credential, the group's own policy, or anyone (`public`). */
  access: AccessKind | AccessPolicy | 'public';
  /**
   * A query parameter that stands in for the Authorization header when none is sent: an
   * EventSource cannot send headers, so the Python project's streams take `?app_key=` or
   * `?function_key=`.
   */
  queryKey?: string;
  /** A request that carries its own capability (a task id only its creator knows) needs no key. */
  capability?: (request: Request) => boolean;
  /** The group's error envelope; OpenAI's (ApiError's own) when absent. */
  errorShape?: ErrorShape;
}

const declarations = new WeakMap<AnyElysia, RouteGroupDeclaration>();
const composites = new WeakMap<AnyElysia, readonly AnyElysia[]>();

/** Declares the plugin a route group: who may call its routes, how its errors look. */
export function routeGroup<T extends AnyElysia>(declaration: RouteGroupDeclaration, plugin: T): T {
  declarations.set(plugin, declaration);
  return plugin;
}

/** One plugin made of route groups that declare different access (e.g. public files beside the client API). */
export function routeGroups(name: string, parts: readonly AnyElysia[]): Elysia {
  const composite = parts.reduce((app: AnyElysia, part) => app.use(part), new Elysia({ name })) as Elysia;
  composites.set(composite, parts);
  return composite;
}

interface GroupEntry {
  policy?: AccessPolicy;
  errorShape?: ErrorShape;
}

interface GroupRoute {
  method: string;
  pattern: RegExp;
  group: GroupEntry;
  /** The route's template, for logs and metrics of a refusal. */
  path: string;
}

/** A route template (`/v1/admin/tokens/:id`, `/v1/files/image/*`) as a pattern of paths. */
export function routePattern(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      return segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}

/** The path of a request URL without parsing the whole URL (this runs on every request). */
export function pathnameOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const end = url.indexOf('?', start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path);

/**
 * The policy, with the key also accepted as a query parameter when no Authorization header is sent.
 * Exported for the playground's WebSocket, whose upgrade never reaches the app.
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

export class RouteGroups {
  /** Static paths by `METHOD path`, looked up first; parametrised routes are matched in order. */
  private readonly exact = new Map<string, GroupRoute>();
  private readonly patterns: GroupRoute[] = [];
  private readonly declared = new Set<string>();

  /** One policy per kind of credential; a group of a kind without one cannot be added. */
  constructor(private readonly policies: Partial<Record<AccessKind, AccessPolicy>>) {}

  /** Registers the plugin's route groups (it must declare them); returns the plugin for `.use()`. */
  add<T extends AnyElysia>(plugin: T): T {
    const parts = composites.get(plugin);
    if (parts) {
      for (const part of parts) this.add(part);
      return plugin;
    }
    const declaration = declarations.get(plugin);
    if (!declaration) throw new Error(`The plugin ${plugin.config.name ?? '(unnamed)'} declares no route group.`);
    const group = { policy: this.policyOf(declaration), errorShape: declaration.errorShape };
    for (const route of plugin.routes) {
      const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
      for (const method of methods) {
        const entry = { method, pattern: routePattern(route.path), group, path: route.path };
        this.declared.add(`${method} ${route.path}`);
        if (/[:*]/.test(route.path)) this.patterns.push(entry);
        else this.exact.set(`${method} ${withoutTrailingSlash(route.path)}`, entry);
      }
    }
    return plugin;
  }

  /** Routes of the app that no group declared: the root refuses to start with one (it would be public by accident). */
  undeclared(routes: readonly { method: string; path: string }[]): string[] {
    return routes.map((route) => `${route.method} ${route.path}`).filter((route) => !this.declared.has(route));
  }

  /** The route a request goes to, or undefined when no route takes it. */
  routeOf(method: string, pathname: string): GroupRoute | undefined {
    const path = withoutTrailingSlash(pathname);
    const exact = this.exact.get(`${method} ${path}`) ?? this.exact.get(`ALL ${path}`);
    if (exact) return exact;
    const sameMethod = (route: GroupRoute) => route.method === method || route.method === 'ALL';
    return this.patterns.find((route) => sameMethod(route) && route.pattern.test(path));
  }

  /**
   * The error shape of a request's route group: its own route's; for a path that exists with
   * other methods (405) that path's; for an unknown path (404) that of the nearest route above it
   * (`/v1/messages/batches` answers as `/v1/messages` does). OpenAI's shape when none declares one.
   */
  errorShapeOf(request: Request): ErrorShape | undefined {
    let path = withoutTrailingSlash(pathnameOf(request.url));
    const route = this.routeOf(request.method, path);
    if (route) return route.group.errorShape;
    for (;;) {
      const other = this.anyMethodAt(path);
      if (other) return other.group.errorShape;
      if (path === '/' || path === '') return undefined;
      path = path.slice(0, path.lastIndexOf('/')) || '/';
    }
  }

  /** The hook. A refusal is thrown: the error handler renders it in the route's own error shape. */
  plugin() {
    return new Elysia({ name: 'route-groups' }).onRequest(async ({ request }) => {
      const route = this.routeOf(request.method, pathnameOf(request.url));
      const policy = route?.group.policy;
      if (!policy) return;
      try {
        await policy.check(request);
      } catch (error) {
        if (error instanceof ApiError) noteEarlyAnswer(request, error.status, route.path);
        throw error;
      }
    });
  }

  private anyMethodAt(path: string): GroupRoute | undefined {
    for (const route of this.exact.values()) if (withoutTrailingSlash(route.path) === path) return route;
    return this.patterns.find((route) => route.pattern.test(path));
  }

  private policyOf(declaration: RouteGroupDeclaration): AccessPolicy | undefined {
    const { access, queryKey, capability } = declaration;
    if (access === 'public') return undefined;
    let policy = typeof access === 'string' ? this.policies[access] : access;
    if (!policy) throw new Error(`No ${String(access)} access policy to put a route group behind.`);
    if (queryKey) policy = acceptingQueryKey(policy, queryKey);
    if (capability) {
      const keyed = policy;
      policy = { check: (request) => (capability(request) ? undefined : keyed.check(request)) };
    }
    return policy;
  }
}
