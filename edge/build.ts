/**
 * Bundles edge/worker.ts (and the playground files it embeds) into edge/dist/worker.js, one ES
 * module for the Workers runtime. `wrangler deploy` runs this through wrangler.toml's [build].
 */
import { join } from 'node:path';

export async function buildWorker(outdir = join(import.meta.dir, 'dist')): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, 'worker.ts')],
    outdir,
    target: 'browser',
    format: 'esm',
    naming: 'worker.js',
    minify: false,
  });
  if (!result.success) throw new AggregateError(result.logs, 'edge worker build failed');
  return join(outdir, 'worker.js');
}

if (import.meta.main) console.log(await buildWorker());
