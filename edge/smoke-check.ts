/**
 * After a deploy: the Worker's public endpoints answer with what the pages rely on. Usage:
 * `bun edge/smoke-check.ts https://grok2api-edge.<account>.workers.dev` (exit code 1 on any failure).
 */

export interface SmokeResult {
  path: string;
  ok: boolean;
  detail: string;
}

// A JSON answer read field by field.
// biome-ignore lint/suspicious/noExplicitAny: the checks only read fields and compare them
const CHECKS: { path: string; check: (body: any) => string | null }[] = [
  { path: '/health', check: (body) => (body.status === 'ok' ? null : 'status is not ok') },
  { path: '/ready', check: (body) => (body.status === 'ready' && body.bridges ? null : 'not ready') },
  {
    path: '/meta',
    check: (body) => (typeof body.version === 'string' && body.bridges ? null : 'no version or bridges'),
  },
  {
    path: '/config',
    check: (body) => (body.bridges && typeof body.function_key_required === 'boolean' ? null : 'no bridges'),
  },
  {
    path: '/config/sections',
    check: (body) => (Array.isArray(body.sections) && body.sections.length > 0 ? null : 'no sections'),
  },
  // chat, imagine, video and voice (listed even where it is off, so the page can say so).
  {
    path: '/v1/function/manifest',
    check: (body) => (Array.isArray(body.pages) && body.pages.length === 4 ? null : 'not four pages'),
  },
];

export async function smokeCheck(baseUrl: string, fetcher: typeof fetch = fetch): Promise<SmokeResult[]> {
  const base = baseUrl.replace(/\/+$/, '');
  return Promise.all(
    CHECKS.map(async ({ path, check }) => {
      try {
        const response = await fetcher(`${base}${path}`, { headers: { accept: 'application/json' } });
        if (response.status !== 200) return { path, ok: false, detail: `HTTP ${response.status}` };
        const problem = check(await response.json());
        return { path, ok: problem === null, detail: problem ?? 'ok' };
      } catch (error) {
        return { path, ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

if (import.meta.main) {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: bun edge/smoke-check.ts <worker url>');
    process.exit(2);
  }
  const results = await smokeCheck(url);
  for (const result of results) console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.path} ${result.detail}`);
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}
