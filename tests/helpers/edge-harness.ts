import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Miniflare } from 'miniflare';
import { buildWorker } from '../../edge/build';
import type { EdgeEnvironment } from '../../edge/edge-config';
import wrangler from '../../edge/wrangler.toml';

/**
 * The edge Worker (edge/worker.ts) bundled as for deployment and run under the real Workers
 * runtime (workerd, through Miniflare from npm) on a free loopback port, with the given vars and
 * secrets as bindings.
 */
export interface EdgeWorker {
  url: string;
  stop(): Promise<void>;
}

let built: Promise<string> | undefined;
/** One bundle per test process: every Worker in it runs the same code with different bindings. */
function bundle(): Promise<string> {
  built ??= buildWorker(mkdtempSync(join(tmpdir(), 'grok2api-edge-')));
  return built;
}

export async function startEdgeWorker(bindings: EdgeEnvironment = {}): Promise<EdgeWorker> {
  const script = await bundle();
  const runtime = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRoot: dirname(script),
    // As deployed: the runtime date and flags of edge/wrangler.toml.
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags,
    bindings: { ...bindings } as Record<string, string>,
  });
  const url = (await runtime.ready).toString().replace(/\/$/, '');
  return {
    url,
    async stop() {
      await runtime.dispose();
    },
  };
}

export function removeEdgeBundle(): void {
  void built?.then((script) => rmSync(dirname(script), { recursive: true, force: true }));
}
