import { afterAll, expect, test } from 'bun:test';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * No Docker engine runs here, so the image's build stage is replayed by hand: exactly the files
 * the Dockerfile COPYs (minus .dockerignore) go into an empty folder and the stage's build RUN
 * runs there. A file the build needs but the Dockerfile forgets to copy fails this test.
 * `npm ci` is not replayed (it needs the registry); the installed node_modules stands in for it.
 */

const staging = mkdtempSync(join(tmpdir(), 'grok2api-docker-stage-'));
afterAll(() => rmSync(staging, { recursive: true, force: true }));

const dockerfile = DockerfileParser.parse(readFileSync('Dockerfile', 'utf8'));
const buildStage = dockerfile.getFROMs()[0]!;
const stageInstructions = dockerfile.getInstructions().filter((instruction) => {
  const line = instruction.getRange().start.line;
  const next = dockerfile.getFROMs()[1];
  return line > buildStage.getRange().start.line && (!next || line < next.getRange().start.line);
});

const ignored = readFileSync('.dockerignore', 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const isIgnored = (path: string) =>
  ignored.some((pattern) => new Bun.Glob(pattern).match(path) || path.startsWith(`${pattern.replace(/\/$/, '')}/`));

function stageCopy(copy: Copy, workdir: string): void {
  const args = copy.getArguments().map((argument) => argument.getValue());
  const destination = args.at(-1)!;
  for (const source of args.slice(0, -1)) {
    if (isIgnored(source)) continue;
    const target = resolve(staging, workdir, destination.endsWith('/') ? join(destination, source) : destination);
    cpSync(source, target, {
      recursive: true,
      filter: (path) => !isIgnored(path.replace(/^\.\//, '')),
    });
  }
}

function buildRun(instructions: Instruction[]): string {
  const run = instructions.find(
    (instruction) => instruction.getKeyword() === 'RUN' && /scripts\/build\.ts/.test(instruction.getTextContent()),
  );
  if (!run) throw new Error('the build stage has no RUN of scripts/build.ts');
  return run
    .getTextContent()
    .replace(/^RUN\s+/, '')
    .replace(/\\\n/g, ' ');
}

test('the Dockerfile build stage builds a working binary from only the files it copies', () => {
  for (const instruction of stageInstructions) {
    if (instruction instanceof Copy && !instruction.getFromFlag()) stageCopy(instruction, '.');
  }
  expect(existsSync(join(staging, 'src/index.ts'))).toBe(true);
  symlinkSync(resolve('node_modules'), join(staging, 'node_modules'));

  const out = join(staging, 'out');
  const command = buildRun(stageInstructions).replace(/(^|\s)\/out\b/g, `$1${out}`);
  const build = Bun.spawnSync(['sh', '-c', command], {
    cwd: staging,
    env: { ...process.env, GROK2API_COMMIT: 'stagetest' },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  expect(build.stderr.toString() + build.stdout.toString()).not.toContain('Could not resolve');
  expect(build.exitCode).toBe(0);
  expect(statSync(join(out, 'grok2api')).size).toBeGreaterThan(1_000_000);
  const version = Bun.spawnSync([join(out, 'grok2api'), '--version'], { stdout: 'pipe', env: {} });
  expect(version.stdout.toString()).toContain('commit stagetest');
}, 180_000);
