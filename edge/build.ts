/**
 * Bundles edge/worker.ts (and the playground files it embeds) into edge/dist/worker.js, one ES
 * module for the Workers runtime. `wrangler deploy` runs this through wrangler.toml's [build].
 * The gateway's key compare uses node:crypto, which the runtime provides (wrangler.toml's
 * `nodejs_compat`), so it is left as an import rather than bundled.
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
    // `external` alone does not stop the browser target from substituting its own node:crypto.
    plugins: [
      {
        name: 'runtime-node-crypto',
        setup(build) {
          build.onResolve({ filter: /^node:crypto$/ }, () => ({ path: 'node:crypto', external: true }));
        },
      },
    ],
  });
  if (!result.success) throw new AggregateError(result.logs, 'edge worker build failed');
  return join(outdir, 'worker.js');
}

if (import.meta.main) console.log(await buildWorker());
