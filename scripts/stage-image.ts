/**
 * Puts the release's linux executables where deploy/release.Dockerfile expects them, one folder
 * per Docker architecture (amd64, arm64), plus the empty data folder the image owns.
 *
 *   bun scripts/stage-image.ts <release folder> <image folder>
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Our release target name → Docker's TARGETARCH. */
export const IMAGE_ARCHITECTURES = { 'linux-x64': 'amd64', 'linux-arm64': 'arm64' } as const;

export function stageImage(releaseDir: string, imageDir: string): string[] {
  const files = readdirSync(releaseDir);
  const staged: string[] = [];
  for (const [target, architecture] of Object.entries(IMAGE_ARCHITECTURES)) {
    const file = files.find((name) => name.startsWith('grok2api-') && name.endsWith(`-${target}`));
    if (!file) throw new Error(`no ${target} executable in ${releaseDir}`);
    const destination = join(imageDir, architecture, 'grok2api');
    mkdirSync(join(imageDir, architecture), { recursive: true });
    copyFileSync(join(releaseDir, file), destination);
    chmodSync(destination, 0o755);
    staged.push(destination);
  }
  mkdirSync(join(imageDir, 'data'), { recursive: true });
  return staged;
}

if (import.meta.main) {
  const [releaseDir, imageDir] = process.argv.slice(2);
  if (!releaseDir || !imageDir) {
    console.error('usage: bun scripts/stage-image.ts <release folder> <image folder>');
    process.exit(2);
  }
  for (const path of stageImage(releaseDir, imageDir)) console.log(`staged ${path}`);
}
