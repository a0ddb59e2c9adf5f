/**
 * Prints the CHANGELOG.md section of one version (the text under `## [x.y.z]` up to the next
 * version heading), for the release page. Fails when the version has no section, so a tag
 * without notes cannot be released.
 *
 *   bun scripts/release-notes.ts 0.2.0
 */
import { readFileSync } from 'node:fs';

export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const heading = new RegExp(`^## \\[?${version.replaceAll('.', '\\.')}\\]?(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) throw new Error(`CHANGELOG.md has no section for ${version}`);
  const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
  const notes = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
  if (notes === '') throw new Error(`the CHANGELOG.md section for ${version} is empty`);
  return `${notes}\n`;
}

if (import.meta.main) {
  const version = process.argv[2];
  if (!version) {
    console.error('usage: bun scripts/release-notes.ts <version>');
    process.exit(2);
  }
  try {
    process.stdout.write(releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
