/**
 * One compile step shared by `npm run build` (host) and the release script (cross targets):
 * bundles src/index.ts into a standalone executable with version, commit and build date baked in.
 */
import { $ } from 'bun';
import packageJson from '../package.json';

export interface BuildIdentity {
  version: string;
  commit: string;
  buildDate: string;
}

export async function buildIdentity(clock: () => Date = () => new Date()): Promise<BuildIdentity> {
  // Docker builds have no .git: the commit comes in as a build argument there.
  const commit =
    process.env.GROK2API_COMMIT ||
    (await $`git rev-parse --short HEAD`.quiet().nothrow()).stdout.toString().trim() ||
    'unknown';
  return {
    version: packageJson.version,
    commit,
    buildDate: clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
  };
}

export interface CompileOptions {
  outfile: string;
  identity: BuildIdentity;
  /** A Bun compile target such as `bun-linux-arm64`; omitted = the host. */
  target?: string;
  /** The Bun runtime to embed for a cross target (taken from npm by the release script). */
  executablePath?: string;
}

export async function compileBinary(options: CompileOptions): Promise<void> {
  const result = await Bun.build({
    entrypoints: ['src/index.ts'],
    compile: {
      outfile: options.outfile,
      ...(options.target ? { target: options.target as Bun.Build.CompileTarget } : {}),
      ...(options.executablePath ? { executablePath: options.executablePath } : {}),
    },
    minify: true,
    define: {
      GROK2API_VERSION: JSON.stringify(options.identity.version),
      GROK2API_COMMIT: JSON.stringify(options.identity.commit),
      GROK2API_BUILD_DATE: JSON.stringify(options.identity.buildDate),
    },
  });
  if (!result.success) throw new AggregateError(result.logs, `compiling ${options.outfile} failed`);
}
