/**
 * Compiles grok2api into one executable (`dist/grok2api` by default) with the version and commit
 * baked in. Usage: bun scripts/build.ts [--outfile path] [--target bun-linux-x64]
 */
import { $ } from 'bun';
import packageJson from '../package.json';

const argument = (name: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const outfile = argument('--outfile') ?? 'dist/grok2api';
const target = argument('--target');
const commit = (await $`git rev-parse --short HEAD`.quiet().nothrow()).stdout.toString().trim() || 'unknown';

const result = await Bun.build({
  entrypoints: ['src/index.ts'],
  compile: target ? { target: target as never, outfile } : { outfile },
  minify: true,
  define: {
    GROK2API_VERSION: JSON.stringify(packageJson.version),
    GROK2API_COMMIT: JSON.stringify(commit),
  },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (${packageJson.version}, ${commit})`);
