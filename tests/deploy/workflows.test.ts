import { describe, expect, test } from 'bun:test';
import { validateWorkflow } from '@action-validator/core';
import { DockerfileParser } from 'dockerfile-ast';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import packageJson from '../../package.json';
import { releaseNotes } from '../../scripts/release-notes';
import { RELEASE_TARGETS } from '../../scripts/release';
import { IMAGE_ARCHITECTURES, stageImage } from '../../scripts/stage-image';

/**
 * The code host's workflows: valid by a maintained workflow linter, and every step's command
 * cross-checked against what it calls (npm scripts, files in the repository, .ci/run).
 */

const WORKFLOWS = readdirSync('.github/workflows').filter((name) => name.endsWith('.yml'));

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
type Workflow = { jobs: Record<string, { steps: Step[] }> };
const workflow = (name: string) => parse(readFileSync(join('.github/workflows', name), 'utf8')) as Workflow;
const runSteps = (name: string) =>
  Object.values(workflow(name).jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));

describe.each(WORKFLOWS)('%s', (name) => {
  test('passes the workflow linter', () => {
    const state = validateWorkflow(readFileSync(join('.github/workflows', name), 'utf8'));
    expect(state.errors).toEqual([]);
  });

  test('every npm script and repository file a step calls exists', () => {
    for (const run of runSteps(name)) {
      for (const match of run.matchAll(/npm run (?:--silent )?([\w:-]+)/g))
        expect(Object.keys(packageJson.scripts)).toContain(match[1]!);
      for (const match of run.matchAll(/(?:^|\s)((?:scripts|edge)\/[\w./-]+\.(?:ts|sh|ps1))/g))
        expect(existsSync(match[1]!)).toBe(true);
    }
  });
});

test('ci.yml runs what .ci/run runs: install, lint, type-check and the test command', () => {
  const ci = runSteps('ci.yml').join('\n');
  const local = readFileSync('.ci/run', 'utf8');
  for (const command of ['npm install', 'npm run lint', 'npm run typecheck', 'npm test']) expect(ci).toContain(command);
  expect(local).toContain('npm install');
  expect(local).toMatch(/npm run (--silent )?typecheck/);
  expect(local).toMatch(/npm run (--silent )?lint/);
  expect(local).toContain('npm test');
});

test('release.yml builds the image from deploy/release.Dockerfile, whose COPY sources the staging script produces', () => {
  const uses = Object.values(workflow('release.yml').jobs).flatMap((job) => job.steps);
  const build = uses.find((step) => step.uses?.startsWith('docker/build-push-action'))!;
  expect(build.with?.file).toBe('deploy/release.Dockerfile');
  expect(String(build.with?.platforms).split(',').sort()).toEqual(
    Object.values(IMAGE_ARCHITECTURES)
      .map((arch) => `linux/${arch}`)
      .sort(),
  );

  const scratch = mkdtempSync(join(tmpdir(), 'grok2api-stage-image-'));
  try {
    const releaseDir = join(scratch, 'dist/release');
    mkdirSync(releaseDir, { recursive: true });
    for (const target of RELEASE_TARGETS)
      writeFileSync(join(releaseDir, `grok2api-${packageJson.version}-${target.name}${target.extension}`), 'x');
    stageImage(releaseDir, join(scratch, 'dist/image'));
    const dockerfile = DockerfileParser.parse(readFileSync(String(build.with?.file), 'utf8'));
    for (const copy of dockerfile.getCOPYs()) {
      const source = copy
        .getArguments()
        .find((argument) => !argument.getValue().startsWith('--'))!
        .getValue();
      for (const architecture of Object.values(IMAGE_ARCHITECTURES)) {
        expect(existsSync(join(scratch, source.replace('${TARGETARCH}', architecture)))).toBe(true);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('release notes come from the version section of CHANGELOG.md and a missing section fails the release', () => {
  const changelog =
    '# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.2.0] - 2026-12-01\n\n### Added\n- a thing\n\n## [1.1.0]\n\n- older\n';
  expect(releaseNotes(changelog, '1.2.0')).toBe('### Added\n- a thing\n');
  expect(releaseNotes(changelog, '1.1.0')).toBe('- older\n');
  expect(() => releaseNotes(changelog, '1.3.0')).toThrow('no section for 1.3.0');
  expect(() => releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), packageJson.version)).not.toThrow();
});

test("the README's Download section names exactly what the release publishes", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(
    readme.indexOf('## Download'),
    readme.indexOf('\n## ', readme.indexOf('## Download') + 3),
  );
  const named = [...section.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? +\|/gm)].flatMap((match) =>
    match.slice(1).filter(Boolean),
  );
  const published = [
    ...RELEASE_TARGETS.map((target) => `grok2api-<version>-${target.name}${target.extension}`),
    'SHA256SUMS',
    'install.sh',
    'install.ps1',
  ];
  expect(named.sort()).toEqual(published.sort());
  const release = runSteps('release.yml').join('\n');
  for (const script of ['install.sh', 'install.ps1']) expect(release).toContain(`dist/release/${script}`);
});
