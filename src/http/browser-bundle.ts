/**
 * A Bun macro: `import { browserBundle } from '…/http/browser-bundle' with { type: 'macro' }` runs
 * this at bundle time (and when Bun transpiles the importing file from source), so a page's
 * TypeScript modules under public/ — and the npm packages they import (marked, DOMPurify,
 * highlight.js) — become one minified script, a string inside the executable that
 * `bun build --compile` makes. Nothing is fetched at run time and nothing comes from a CDN.
 */
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..', '..');

/** `entry`: the page's entry module, relative to the repository root (e.g. `public/admin/main.ts`). */
export function browserBundle(entry: string): string {
  // Bun.build cannot run inside a macro while the bundler waits on it: the CLI can.
  const result = Bun.spawnSync(
    [process.execPath, 'build', join(ROOT, entry), '--target=browser', '--format=iife', '--minify'],
    { cwd: ROOT },
  );
  if (!result.success) throw new Error(`bundling ${entry} failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}
