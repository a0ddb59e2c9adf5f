/**
 * Compiles grok2api for this machine into one executable (`dist/grok2api` by default) with the
 * version, commit and build date baked in. Usage: bun scripts/build.ts [--outfile path]
 * Cross-platform builds: scripts/release.ts.
 */
import { buildIdentity, compileBinary } from './compile';

const index = process.argv.indexOf('--outfile');
const outfile = index >= 0 ? process.argv[index + 1]! : 'dist/grok2api';
const identity = await buildIdentity();
try {
  await compileBinary({ outfile, identity });
} catch (error) {
  for (const log of (error as AggregateError).errors ?? [error]) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (${identity.version}, ${identity.commit}, ${identity.buildDate})`);
