import { expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The import rules of ARCHITECTURE.md, checked on every relative import in src/ (static, dynamic
 * and re-exports) and on the browser modules in public/. A failure names each import that breaks
 * a rule.
 */

const SOURCE = 'src';
/** Files directly in src/ form the composition root: they wire the folders together. */
const ROOT = '(root)';
/** The leaf adapters: they translate client dialects onto the core and nothing depends on them. */
const ADAPTERS = new Set(['openai', 'anthropic']);

interface Import {
  from: string;
  to: string;
  fromFolder: string;
  toFolder: string;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const folderOf = (path: string) => {
  const parts = relative(SOURCE, path).split('/');
  return parts.length > 1 ? parts[0]! : ROOT;
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function imports(): Import[] {
  return sourceFiles(SOURCE).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => {
      const to = normalize(join(dirname(file), match[1]!));
      return { from: file, to, fromFolder: folderOf(file), toFolder: folderOf(to) };
    }),
  );
}

const all = imports();
const describeImport = (edge: Import) => `${edge.from} imports ${edge.to}`;

test('the core and the admin features import nothing from the openai/ or anthropic/ adapters', () => {
  const broken = all.filter(
    (edge) => ADAPTERS.has(edge.toFolder) && !ADAPTERS.has(edge.fromFolder) && edge.fromFolder !== ROOT,
  );
  expect(broken.map(describeImport)).toEqual([]);
});

test('the two adapters do not import each other', () => {
  const broken = all.filter(
    (edge) => ADAPTERS.has(edge.fromFolder) && ADAPTERS.has(edge.toFolder) && edge.fromFolder !== edge.toFolder,
  );
  expect(broken.map(describeImport)).toEqual([]);
});

test('only the composition root imports app.ts', () => {
  const broken = all.filter((edge) => edge.to.replace(/\.ts$/, '') === join(SOURCE, 'app') && edge.fromFolder !== ROOT);
  expect(broken.map(describeImport)).toEqual([]);
});

/** The layers of ARCHITECTURE.md, bottom first; files directly in src/ are the composition root. */
const LAYERS = [
  ['simulator'],
  ['http', 'auth', 'security', 'storage', 'config', 'logging'],
  ['pool', 'upstream', 'cluster', 'cloudflare', 'catalog', 'attachments', 'usage'],
  ['conversation', 'media'],
  ['admin', 'admin-console', 'playground', 'client-keys', 'metrics', 'ops', 'diagnostics'],
  ['openai', 'anthropic'],
  [ROOT, 'cli'],
];
const layerOf = new Map(LAYERS.flatMap((folders, index) => folders.map((folder) => [folder, index] as const)));
/** Upward imports ARCHITECTURE.md names: a foundation file that needs one leaf module of a service. */
const UPWARD_EXCEPTIONS = new Set([
  'src/http/upstream-failure.ts imports src/upstream/errors',
  'src/storage/reference-token-format.ts imports src/upstream/grok/token',
  'src/config/validate.ts imports src/catalog/model-aliases',
]);

test('every folder has a layer, and imports go down the layers (or stay in one)', () => {
  const inSource = all.filter((edge) => edge.to.startsWith(`${SOURCE}/`));
  const unplaced = [...new Set(inSource.flatMap((edge) => [edge.fromFolder, edge.toFolder]))].filter(
    (folder) => !layerOf.has(folder),
  );
  expect(unplaced).toEqual([]);
  // version.ts (the build's version) imports nothing and may be read from anywhere.
  const upward = inSource.filter(
    (edge) =>
      layerOf.get(edge.toFolder)! > layerOf.get(edge.fromFolder)! &&
      edge.to.replace(/\.ts$/, '') !== join(SOURCE, 'version') &&
      !UPWARD_EXCEPTIONS.has(describeImport({ ...edge, to: edge.to.replace(/\.ts$/, '') })),
  );
  expect(upward.map(describeImport)).toEqual([]);
});

test('the simulator stands alone: it imports nothing from the gateway', () => {
  const broken = all.filter((edge) => edge.fromFolder === 'simulator' && edge.toFolder !== 'simulator');
  expect(broken.map(describeImport)).toEqual([]);
});

test('no cycles between folders', () => {
  const graph = new Map<string, Set<string>>();
  for (const edge of all) {
    if (edge.fromFolder === edge.toFolder || edge.fromFolder === ROOT || edge.toFolder === ROOT) continue;
    if (!graph.has(edge.fromFolder)) graph.set(edge.fromFolder, new Set());
    graph.get(edge.fromFolder)!.add(edge.toFolder);
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (folder: string) => {
    state.set(folder, 'open');
    path.push(folder);
    for (const next of graph.get(folder) ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        const witnesses = loop.slice(1).map((to, index) => {
          const edge = all.find((candidate) => candidate.fromFolder === loop[index] && candidate.toFolder === to)!;
          return describeImport(edge);
        });
        cycles.push(`${loop.join(' -> ')} (${witnesses.join('; ')})`);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(folder, 'done');
  };
  for (const folder of [...graph.keys()].sort()) if (!state.has(folder)) visit(folder);
  expect(cycles).toEqual([]);
});

/** What the edge Worker may take from src/: foundation helpers, and the playground pieces its pages share. */
const EDGE_FOLDERS = new Set(['http', 'auth', 'config', 'logging']);
const EDGE_FILES = new Set([
  join(SOURCE, 'playground/function-manifest.ts'),
  join(SOURCE, 'playground/markdown-bundle.ts'),
]);

test('edge/ takes from src/ only foundation helpers (and the playground manifest and Markdown bundle), all the way down', () => {
  const fileOf = (path: string) => (path.endsWith('.ts') ? path : `${path}.ts`);
  const edgeFiles = readdirSync('edge').filter((name) => name.endsWith('.ts'));
  const reached = new Set<string>();
  const pending = edgeFiles.flatMap((name) =>
    [...readFileSync(join('edge', name), 'utf8').matchAll(SPECIFIER)]
      .map((match) => fileOf(normalize(join('edge', match[1]!))))
      .filter((path) => path.startsWith(`${SOURCE}/`)),
  );
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (reached.has(path)) continue;
    reached.add(path);
    for (const edge of all) if (edge.from === path) pending.push(fileOf(edge.to));
  }
  const broken = [...reached].filter((path) => !EDGE_FILES.has(path) && !EDGE_FOLDERS.has(folderOf(path)));
  expect(broken).toEqual([]);
  expect(reached.has(join(SOURCE, 'auth/constant-time.ts'))).toBe(true);
});

test('the rules see the imports (the check itself works)', () => {
  expect(all.length).toBeGreaterThan(500);
  expect(all.some((edge) => edge.fromFolder === 'openai' && edge.toFolder === 'conversation')).toBe(true);
});

// ---- browser code (public/) ----

const BROWSER = 'public';
const browserFiles = sourceFiles(BROWSER);
/** Every import or re-export in the browser modules: whether it is type-only, and what it names. */
const BROWSER_IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const browserImports = browserFiles.flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(BROWSER_IMPORT)].map((match) => ({
    file,
    typeOnly: Boolean(match[1]),
    specifier: match[2]!,
    to: match[2]!.startsWith('.') ? normalize(join(dirname(file), match[2]!)) : null,
  })),
);

test('browser code imports server code only as types (nothing of the server enters a page bundle)', () => {
  const broken = browserImports.filter((edge) => edge.to && !edge.to.startsWith(`${BROWSER}/`) && !edge.typeOnly);
  expect(broken.map((edge) => `${edge.file} imports ${edge.specifier}`)).toEqual([]);
  // The check sees the type imports it allows.
  expect(browserImports.some((edge) => edge.typeOnly && edge.to?.startsWith(`${SOURCE}/`))).toBe(true);
});

test('browser modules share state by importing each other, not through window globals', () => {
  const assignments = browserFiles.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\bwindow\.(\w+)\s*=(?!=)/g)].map((match) => `${file}: window.${match[1]}`),
  );
  expect(assignments).toEqual([]);
  expect(browserImports.filter((edge) => edge.to?.startsWith(`${BROWSER}/common/`)).length).toBeGreaterThan(10);
});
