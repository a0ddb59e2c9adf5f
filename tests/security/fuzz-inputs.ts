/**
 * Malformed, oversized, wrong-typed and random requests for the routes of an OpenAPI document,
 * from a seeded PRNG so a failure is reproduced by its seed and index.
 */

export interface Route {
  method: string;
  path: string;
  query: string[];
}

export interface FuzzInput {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: BodyInit;
  /** What kind of input this is, for the report. */
  kind: string;
}

/** mulberry32: small, fast, good enough to spread inputs; the seed makes runs repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function routesOf(document: {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
}): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      routes.push({
        method: method.toUpperCase(),
        path,
        query: (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name),
      });
    }
  }
  return routes;
}

/** Plausible bodies per route, mutated by the fuzzer so inputs get past the first checks. */
const SEEDS: Record<string, unknown> = {
  '/v1/chat/completions': { model: 'grok-4', messages: [{ role: 'user', content: 'hi' }], stream: false },
  '/v1/responses': { model: 'grok-4', input: 'hi' },
  '/v1/messages': { model: 'grok-4', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
  '/v1/messages/count_tokens': { model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] },
  '/v1/images/generations': { model: 'grok-imagine-1.0', prompt: 'a cat', n: 1 },
  '/v1/images/edits': { model: 'grok-imagine-1.0-edit', prompt: 'edit', image: 'data:image/png;base64,iVBORw0KGgo=' },
  '/v1/videos': { model: 'grok-imagine-1.0-video', prompt: 'a wave', seconds: '6' },
  '/v1/admin/tokens/add': { tokens: ['fuzz-token'], pool: 'ssoBasic' },
  '/v1/admin/config': { chat: { keepalive_interval: 5 } },
};

export class InputFactory {
  constructor(
    private readonly random: () => number,
    private readonly keys: { api: string; admin: string },
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  randomString(): string {
    const kind = this.int(9);
    if (kind === 0) return '';
    if (kind === 1) return 'x'.repeat(this.int(100_000));
    if (kind === 2) return '../../../etc/passwd';
    if (kind === 3) return '\u0000\uffff\ud800'; // NUL, a non-character and a lone surrogate
    if (kind === 4) return `%00%2e%2e%2f${this.int(1e9)}`;
    if (kind === 5) return '😀'.repeat(this.int(50));
    if (kind === 6) return String(this.random() * 1e308);
    if (kind === 7) return `data:image/png;base64,${'A'.repeat(this.int(5000))}`;
    return Array.from({ length: this.int(40) }, () => String.fromCharCode(32 + this.int(95))).join('');
  }

  randomValue(depth = 0): unknown {
    const kind = this.int(depth > 3 ? 6 : 9);
    if (kind === 0) return null;
    if (kind === 1) return this.random() < 0.5;
    if (kind === 2) return this.pick([0, -1, 1e21, -1e21, 0.5, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1]);
    if (kind === 3 || kind === 4 || kind === 5) return this.randomString();
    if (kind === 6) return Array.from({ length: this.int(5) }, () => this.randomValue(depth + 1));
    if (kind === 7) return Array.from({ length: this.int(3000) }, () => 1);
    const object: Record<string, unknown> = {};
    for (let index = this.int(5); index > 0; index--)
      object[
        this.pick([
          'model',
          'messages',
          'content',
          'role',
          'tools',
          'stream',
          'n',
          'size',
          'input',
          'prompt',
          'image',
          'tokens',
          'pool',
          this.randomString().slice(0, 20),
        ])
      ] = this.randomValue(depth + 1);
    return object;
  }

  /** A copy of `seed` with one field (at any depth) replaced by a random value, added or removed. */
  mutate(seed: unknown): unknown {
    const copy = structuredClone(seed);
    const containers: Record<string, unknown>[] = [];
    const walk = (value: unknown) => {
      if (value && typeof value === 'object') {
        containers.push(value as Record<string, unknown>);
        for (const child of Object.values(value)) walk(child);
      }
    };
    walk(copy);
    const target = this.pick(containers);
    const keys = Object.keys(target);
    const action = this.int(3);
    if (action === 0 && keys.length > 0) delete target[this.pick(keys)];
    else
      target[keys.length > 0 && action === 1 ? this.pick(keys) : this.randomString().slice(0, 30)] = this.randomValue();
    return copy;
  }

  private fillPath(path: string): string {
    return path.replace(/\{[^}]+\}|\*/g, () =>
      encodeURIComponent(
        this.pick<string>([
          'resp_missing',
          'video_x',
          this.randomString().slice(0, 300),
          '..%2f..%2fgrok2api.db',
          'a'.repeat(3000),
        ]).toWellFormed(),
      ),
    );
  }

  next(routes: readonly Route[]): FuzzInput {
    const route = this.pick(routes);
    const admin = route.path.startsWith('/v1/admin');
    const headers: Record<string, string> = {};
    const auth = this.int(10);
    if (auth < 8) headers.authorization = `Bearer ${admin ? this.keys.admin : this.keys.api}`;
    else if (auth === 8) headers.authorization = this.pick(['Bearer wrong', 'Basic Zm9vOmJhcg==', 'Bearer ', '']);
    if (route.path.startsWith('/v1/messages') && auth < 8) headers['x-api-key'] = this.keys.api;
    let method = route.method;
    if (this.int(20) === 0) method = this.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    let url = this.fillPath(route.path);
    if (route.query.length > 0 || this.int(4) === 0) {
      const names = [...route.query, 'limit', 'after', this.randomString().slice(0, 10)];
      const parameters = new URLSearchParams();
      for (let index = 1 + this.int(3); index > 0; index--)
        parameters.set(this.pick(names), String(this.randomValue(3)).slice(0, 2000).toWellFormed());
      url += `?${parameters}`;
    }
    if (method === 'GET' || method === 'HEAD' || method === 'DELETE')
      return { method, path: url, headers, kind: 'path-and-query' };

    const seed = SEEDS[route.path] ?? {};
    const kind = this.int(10);
    headers['content-type'] = 'application/json';
    if (kind === 0)
      return {
        method,
        path: url,
        headers,
        body: this.pick(['{', '{"a":', '[1,2', '{"model": "grok-4",}', 'null', '\u0000', '{"a":1}{"b":2}']),
        kind: 'malformed-json',
      };
    if (kind === 1)
      return {
        method,
        path: url,
        headers,
        body: JSON.stringify(this.pick([[], 1, 'text', null, true, [seed]])),
        kind: 'wrong-type-body',
      };
    if (kind === 2)
      return {
        method,
        path: url,
        headers,
        body: JSON.stringify({ ...(seed as object), padding: 'p'.repeat(1_100_000) }),
        kind: 'oversized-body',
      };
    if (kind === 3) {
      let nested: unknown = 'deep';
      for (let level = 0; level < 200; level++) nested = { a: nested };
      return {
        method,
        path: url,
        headers,
        body: JSON.stringify({ ...(seed as object), nested }),
        kind: 'deep-nesting',
      };
    }
    if (kind === 4) {
      const form = new FormData();
      for (const [key, value] of Object.entries(this.mutate(seed) as Record<string, unknown>))
        form.set(key, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
      if (this.random() < 0.5)
        form.set(
          this.pick(['image', 'input_reference', 'file']),
          new File([crypto.getRandomValues(new Uint8Array(this.int(4096)))], 'x.png', { type: 'image/png' }),
        );
      delete headers['content-type'];
      return { method, path: url, headers, body: form, kind: 'multipart' };
    }
    if (kind === 5) {
      headers['content-type'] = this.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'application/xml',
        'garbage/;;;',
      ]);
      return {
        method,
        path: url,
        headers,
        body: crypto.getRandomValues(new Uint8Array(this.int(2048))),
        kind: 'random-bytes',
      };
    }
    if (kind === 6)
      return { method, path: url, headers, body: JSON.stringify(this.randomValue()), kind: 'random-json' };
    return { method, path: url, headers, body: JSON.stringify(this.mutate(seed)), kind: 'mutated-seed' };
  }
}
