/**
 * `npm run test:mutation [-- <module>...] [--changed <git-ref>] [--force] [--concurrency N]`:
 * mutation testing of the core modules listed in tests/mutation-modules.ts. StrykerJS runs once per
 * module with its command runner, which runs `bun test` on that module's own test files for every
 * mutant. Reports (HTML and JSON) land in reports/mutation/<module>/; the summary at the end compares
 * each score with its target and the exit code is 1 when one falls short. Not part of `npm test`:
 * it takes minutes.
 *
 * Incremental: each module keeps Stryker's incremental file, so a second run only tests mutants in
 * changed code. The command runner cannot tell Stryker which test file changed, so the script keeps
 * a hash of the module's test files and starts the module afresh when they changed (or on --force).
 * `--changed <ref>` keeps only the modules whose source or tests differ from that git ref (for CI).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MUTATION_MODULES, type MutationModule } from '../tests/mutation-modules';

const REPORTS = 'reports/mutation';
const STRYKER = 'node_modules/@stryker-mutator/core/bin/stryker.js';

interface Arguments {
  names: string[];
  force: boolean;
  concurrency: number;
  changedSince?: string;
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { names: [], force: false, concurrency: 1 };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === '--force') parsed.force = true;
    else if (argument === '--concurrency') parsed.concurrency = Number(argv[++index]);
    else if (argument === '--changed') {
      const ref = argv[++index];
      if (!ref || ref.startsWith('-')) throw new Error('--changed needs a git ref');
      parsed.changedSince = ref;
    } else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else parsed.names.push(argument);
  }
  if (!Number.isInteger(parsed.concurrency) || parsed.concurrency < 1)
    throw new Error('--concurrency needs a positive integer');
  return parsed;
}

function chosenModules(names: string[]): MutationModule[] {
  if (names.length === 0) return MUTATION_MODULES;
  return names.map((name) => {
    const found = MUTATION_MODULES.find((module) => module.name === name);
    if (!found)
      throw new Error(`no module "${name}"; known: ${MUTATION_MODULES.map((module) => module.name).join(', ')}`);
    return found;
  });
}

/** Files that differ from `ref`, committed or not. */
function changedFiles(ref: string): Set<string> {
  const result = spawnSync('git', ['diff', '--name-only', ref, '--'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git diff against ${ref} failed: ${result.stderr.trim()}`);
  return new Set(result.stdout.split('\n').filter((line) => line !== ''));
}

/** Changes whenever the module's tests or file lists change, which incremental mode cannot see. */
function testsFingerprint(module: MutationModule): string {
  const hash = createHash('sha256').update(JSON.stringify(module)).update(testCommand(module));
  for (const file of module.tests) hash.update(readFileSync(file));
  return hash.digest('hex');
}

const shellQuote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `bun test` on the module's files; skipped tests are left out with a negative name pattern. Bun's
 * own 5 s limit per test is lifted: on a loaded machine a slow test would fail and count a mutant
 * as killed. Stryker's timeout (from the unmutated run) still stops a mutant that loops forever.
 */
function testCommand(module: MutationModule): string {
  const words = [process.execPath, 'test', '--timeout', '600000', ...module.tests.map((file) => `./${file}`)];
  const skipped = (module.skipTests ?? []).map((test) => escapeRegExp(test.name));
  if (skipped.length > 0) words.push('--test-name-pattern', shellQuote(`^(?!.*(?:${skipped.join('|')}))`));
  return words.join(' ');
}

function strykerConfig(module: MutationModule, folder: string, concurrency: number) {
  return {
    $schema: '../../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'command',
    // The bun that runs this script also runs the tests (the sandbox links node_modules).
    commandRunner: { command: testCommand(module) },
    mutate: module.mutate,
    coverageAnalysis: 'off',
    concurrency,
    incremental: true,
    incrementalFile: join(folder, 'incremental.json'),
    reporters: ['html', 'json', 'clear-text', 'progress'],
    htmlReporter: { fileName: join(folder, 'index.html') },
    jsonReporter: { fileName: join(folder, 'mutation.json') },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: module.target, low: module.target, break: null },
    // Stryker rewrites tsconfig.json's paths for the sandbox with TypeScript's JavaScript API, which
    // TypeScript 7 no longer has; ours has no paths to rewrite, so point it at no file at all.
    tsconfigFile: 'no-tsconfig-to-rewrite.json',
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    ignorePatterns: ['/dist', '/data', '/logs', '/.cache', '/test-artifacts', '/bench', '/docs', '/public/vendor'],
  };
}

interface Score {
  name: string;
  total: number;
  killed: number;
  survived: number;
  score: number;
  target: number;
}

/** Stryker's mutation score: killed or timed out over every mutant that ran (errors excluded). */
function readScore(module: MutationModule, folder: string): Score {
  const report = JSON.parse(readFileSync(join(folder, 'mutation.json'), 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  const counts = new Map<string, number>();
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) counts.set(mutant.status, (counts.get(mutant.status) ?? 0) + 1);
  }
  const count = (status: string) => counts.get(status) ?? 0;
  const killed = count('Killed') + count('Timeout');
  const survived = count('Survived') + count('NoCoverage');
  const total = killed + survived;
  return {
    name: module.name,
    total,
    killed,
    survived,
    score: total === 0 ? 100 : (killed / total) * 100,
    target: module.target,
  };
}

function runModule(module: MutationModule, options: Arguments): Score {
  const folder = join(REPORTS, module.name);
  mkdirSync(folder, { recursive: true });
  const fingerprintFile = join(folder, 'tests.sha256');
  const fingerprint = testsFingerprint(module);
  const stale = !existsSync(fingerprintFile) || readFileSync(fingerprintFile, 'utf8') !== fingerprint;
  if (options.force || stale) rmSync(join(folder, 'incremental.json'), { force: true });
  const configFile = join(folder, 'stryker.config.json');
  writeFileSync(configFile, JSON.stringify(strykerConfig(module, folder, options.concurrency), null, 2));
  console.log(`\n== ${module.name}: ${module.mutate.join(', ')} against ${module.tests.length} test file(s)`);
  // Low priority: mutation runs are long and share the machine with everything else.
  const command = process.platform === 'win32' ? ['node', STRYKER] : ['nice', '-n', '10', 'node', STRYKER];
  const result = spawnSync(command[0]!, [...command.slice(1), 'run', configFile], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`Stryker failed for ${module.name} (exit ${result.status})`);
  writeFileSync(fingerprintFile, fingerprint);
  return readScore(module, folder);
}

const options = parseArguments(process.argv.slice(2));
let modules = chosenModules(options.names);
if (options.changedSince !== undefined) {
  const changed = changedFiles(options.changedSince);
  modules = modules.filter((module) => [...module.mutate, ...module.tests].some((file) => changed.has(file)));
  console.log(
    `Modules changed since ${options.changedSince}: ${modules.map((module) => module.name).join(', ') || 'none'}`,
  );
}
for (const module of modules) {
  for (const file of [...module.mutate, ...module.tests]) {
    if (!existsSync(file)) throw new Error(`${module.name}: ${file} does not exist (update tests/mutation-modules.ts)`);
  }
}
// A module Stryker cannot run (e.g. its tests fail without mutants) is reported, not fatal to the others.
const scores: Score[] = [];
const failed: string[] = [];
for (const module of modules) {
  try {
    scores.push(runModule(module, options));
  } catch (error) {
    console.error(`${module.name}: ${error instanceof Error ? error.message : String(error)}`);
    failed.push(module.name);
  }
}
console.log('\nmodule                mutants  killed  survived  score   target');
for (const name of failed) console.log(`${name.padEnd(20)} did not run (see the Stryker output above)`);
for (const score of scores) {
  const verdict = score.score >= score.target ? 'ok' : 'BELOW TARGET';
  console.log(
    `${score.name.padEnd(20)} ${String(score.total).padStart(8)} ${String(score.killed).padStart(7)} ` +
      `${String(score.survived).padStart(9)}  ${score.score.toFixed(1).padStart(5)} %  ${score.target} %  ${verdict}`,
  );
}
console.log(`\nReports: ${resolve(REPORTS)}/<module>/index.html`);
if (failed.length > 0 || scores.some((score) => score.score < score.target)) process.exit(1);
