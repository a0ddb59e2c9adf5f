/**
 * A Bun macro: `import { markdownBundle } from './markdown-bundle' with { type: 'macro' }` runs
 * this at bundle time (and when Bun transpiles the importing file from source), so the playground's
 * Markdown renderer — marked, DOMPurify and highlight.js core, bundled from npm — is a string inside
 * the executable that `bun build --compile` makes. Nothing is fetched at run time.
 */
import { join } from 'node:path';

export function markdownBundle(): string {
  const entry = join(import.meta.dir, '..', '..', 'public', 'playground', 'markdown.js');
  // Bun.build cannot run inside a macro while the bundler waits on it: the CLI can.
  const result = Bun.spawnSync([process.execPath, 'build', entry, '--target=browser', '--format=iife', '--minify']);
  if (!result.success) throw new Error(`bundling the playground Markdown renderer failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}
