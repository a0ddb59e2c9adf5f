/**
 * Release build: one executable per platform plus a SHA256SUMS file.
 *
 *   bun scripts/release.ts [--out dist/release] [--targets linux-x64,linux-arm64,darwin-arm64,windows-x64]
 *
 * Bun cross-compiles by embedding the Bun runtime of the target platform. Left to itself it
 * downloads that runtime over the network on first use; we fetch the same runtime as an npm
 * package (`@oven/bun-<os>-<arch>`, the version of the Bun doing the build) with the ordinary npm
 * client, so the build works wherever the npm registry (or a mirror in .npmrc) is reachable, and
 * hand it to the compiler as `executablePath`. Downloaded runtimes are kept in dist/runtimes.
 */
import { $ } from 'bun';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildIdentity, compileBinary } from './compile';

export interface ReleaseTarget {
  /** Our name for it, used in file names. */
  name: string;
  /** Bun's compile target. */
  bunTarget: string;
  /** The npm package holding that platform's Bun runtime. */
  runtimePackage: string;
  /** The runtime inside the package. */
  runtimePath: string;
  extension: string;
}

export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  {
    name: 'linux-x64',
    bunTarget: 'bun-linux-x64',
    runtimePackage: '@oven/bun-linux-x64',
    runtimePath: 'bin/bun',
    extension: '',
  },
  {
    name: 'linux-arm64',
    bunTarget: 'bun-linux-arm64',
    runtimePackage: '@oven/bun-linux-aarch64',
    runtimePath: 'bin/bun',
    extension: '',
  },
  {
    name: 'darwin-arm64',
    bunTarget: 'bun-darwin-arm64',
    runtimePackage: '@oven/bun-darwin-aarch64',
    runtimePath: 'bin/bun',
    extension: '',
  },
  {
    name: 'windows-x64',
    bunTarget: 'bun-windows-x64',
    runtimePackage: '@oven/bun-windows-x64',
    runtimePath: 'bin/bun.exe',
    extension: '.exe',
  },
];

/** Returns the path of the target's Bun runtime, fetching it with `npm pack` when not cached. */
async function runtimeFor(target: ReleaseTarget, cacheDir: string): Promise<string> {
  const directory = join(cacheDir, `${basename(target.runtimePackage)}-${Bun.version}`);
  const runtime = join(directory, 'package', target.runtimePath);
  if (existsSync(runtime)) return runtime;
  mkdirSync(directory, { recursive: true });
  const packed = await $`npm pack ${`${target.runtimePackage}@${Bun.version}`} --silent --pack-destination ${directory}`
    .quiet()
    .nothrow();
  if (packed.exitCode !== 0) {
    throw new Error(`npm could not fetch ${target.runtimePackage}@${Bun.version}: ${packed.stderr.toString().trim()}`);
  }
  const tarball = join(directory, packed.stdout.toString().trim().split('\n').at(-1)!);
  await $`tar -xzf ${tarball} -C ${directory}`.quiet();
  rmSync(tarball);
  if (!existsSync(runtime)) throw new Error(`${target.runtimePackage} has no ${target.runtimePath}`);
  return runtime;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export async function release(options: { outDir: string; targets: readonly ReleaseTarget[]; cacheDir: string }) {
  const identity = await buildIdentity();
  mkdirSync(options.outDir, { recursive: true });
  const built: { file: string; target: string }[] = [];
  const failed: { target: string; reason: string }[] = [];
  for (const target of options.targets) {
    try {
      const executablePath = await runtimeFor(target, options.cacheDir);
      const file = `grok2api-${identity.version}-${target.name}${target.extension}`;
      await compileBinary({ outfile: join(options.outDir, file), identity, target: target.bunTarget, executablePath });
      built.push({ file, target: target.name });
      console.log(`built ${file}`);
    } catch (error) {
      // One platform's runtime being unavailable must not hide the others: report it and go on.
      failed.push({ target: target.name, reason: error instanceof Error ? error.message : String(error) });
      console.error(`skipped ${target.name}: ${failed.at(-1)!.reason}`);
    }
  }
  const sums = built.map(({ file }) => `${sha256(join(options.outDir, file))}  ${file}`).join('\n');
  writeFileSync(join(options.outDir, 'SHA256SUMS'), sums ? `${sums}\n` : '');
  return { identity, built, failed };
}

if (import.meta.main) {
  const argument = (name: string) => {
    const index = process.argv.indexOf(name);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const wanted = argument('--targets')
    ?.split(',')
    .map((name) => name.trim());
  const unknown = wanted?.filter((name) => !RELEASE_TARGETS.some((target) => target.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(
      `unknown target(s) ${unknown.join(', ')}; known: ${RELEASE_TARGETS.map((target) => target.name).join(', ')}`,
    );
    process.exit(2);
  }
  const targets = wanted ? RELEASE_TARGETS.filter((target) => wanted.includes(target.name)) : RELEASE_TARGETS;
  const outDir = resolve(argument('--out') ?? 'dist/release');
  const result = await release({ outDir, targets, cacheDir: resolve(argument('--runtime-cache') ?? 'dist/runtimes') });
  console.log(`${result.built.length} of ${targets.length} built into ${outDir} (SHA256SUMS written)`);
  if (result.failed.length > 0) process.exit(1);
}
