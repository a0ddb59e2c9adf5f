import { afterEach, beforeEach, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CommandContext } from '../../src/cli/command-context';
import { openStorage } from '../../src/storage';

/** The operator commands, run in-process against a temporary DATA_DIR (SQLite). */

let dataDir: string;
let output: { out: string[]; err: string[]; written: string };

function context(env: Record<string, string> = {}, stdin = ''): CommandContext {
  return {
    env: { DATA_DIR: dataDir, ...env },
    out: (line) => output.out.push(line),
    err: (line) => output.err.push(line),
    write: (text) => (output.written += text),
    readStdin: async () => stdin,
  };
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'grok2api-cli-'));
  output = { out: [], err: [], written: '' };
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function storedAccounts(url?: string) {
  const storage = await openStorage({ type: 'local', url, dataDir });
  try {
    return await storage.accounts.list();
  } finally {
    await storage.close();
  }
}

test('import reads the Python project token.json with pools and statuses', async () => {
  const file = join(dataDir, 'legacy.json');
  writeFileSync(
    file,
    JSON.stringify({
      ssoBasic: ['sso=basic-token-1', { token: 'basic-token-2', quota: 12, status: 'TokenStatus.COOLING' }],
      ssoSuper: [{ token: 'super-token-1' }],
      broken: 'x',
    }),
  );
  expect(await runCli(['import', file], context())).toBe(0);
  expect(JSON.parse(output.out[0]!)).toEqual({
    format: 'token-json',
    added: 3,
    duplicates: 0,
    invalid: 1,
    storage: 'sqlite',
  });
  const accounts = await storedAccounts();
  const byToken = Object.fromEntries(accounts.map((account) => [account.token, account]));
  expect(Object.keys(byToken).sort()).toEqual(['basic-token-1', 'basic-token-2', 'super-token-1']);
  expect(byToken['basic-token-2']).toMatchObject({ pool: 'ssoBasic', quota: 12, status: 'cooling' });
  expect(byToken['super-token-1']!.pool).toBe('ssoSuper');
});

test('import reads plain text with comments, JSON lines with pools, and standard input; a second import counts duplicates', async () => {
  const text = join(dataDir, 'tokens.txt');
  writeFileSync(text, '# my accounts\ntext-token-1\n\n  text-token-2  \r\n');
  expect(await runCli(['import', text, '--pool', 'ssoSuper'], context())).toBe(0);
  expect(JSON.parse(output.out[0]!)).toMatchObject({ format: 'text', added: 2 });

  const lines = join(dataDir, 'tokens.jsonl');
  writeFileSync(lines, '{"token":"jsonl-token-1","pool":"ssoBasic"}\n"jsonl-token-2"\n{"token":""}\n');
  expect(await runCli(['import', lines], context())).toBe(0);
  expect(JSON.parse(output.out[1]!)).toMatchObject({ format: 'jsonl', added: 2, invalid: 1 });
  expect(output.err.join('\n')).toContain('line 3');

  expect(await runCli(['import', '-'], context({}, '["text-token-1","stdin-token"]'))).toBe(0);
  expect(JSON.parse(output.out[2]!)).toMatchObject({ format: 'json-array', added: 1, duplicates: 1 });

  const pools = Object.fromEntries((await storedAccounts()).map((account) => [account.token, account.pool]));
  expect(pools).toEqual({
    'text-token-1': 'ssoSuper',
    'text-token-2': 'ssoSuper',
    'jsonl-token-1': 'ssoBasic',
    'jsonl-token-2': 'ssoBasic',
    'stdin-token': 'ssoBasic',
  });
});

test('export writes token.json to stdout and an owner-only file that imports back unchanged', async () => {
  writeFileSync(
    join(dataDir, 'in.json'),
    JSON.stringify({ ssoBasic: [{ token: 'export-1', quota: 7, note: 'mine', tags: ['a'] }], ssoSuper: ['export-2'] }),
  );
  await runCli(['import', join(dataDir, 'in.json')], context());

  expect(await runCli(['export'], context())).toBe(0);
  const exported = JSON.parse(output.written) as Record<
    string,
    { token: string; quota: number; note: string; tags: string[] }[]
  >;
  expect(Object.keys(exported).sort()).toEqual(['ssoBasic', 'ssoSuper']);
  expect(exported.ssoBasic![0]).toMatchObject({ token: 'export-1', quota: 7, note: 'mine', tags: ['a'] });

  const file = join(dataDir, 'out.json');
  expect(await runCli(['export', '--output', file], context())).toBe(0);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(exported);

  const otherDir = mkdtempSync(join(tmpdir(), 'grok2api-cli-copy-'));
  try {
    expect(await runCli(['import', file], { ...context(), env: { DATA_DIR: otherDir } })).toBe(0);
    const copy = await openStorage({ type: 'local', dataDir: otherDir });
    const copied = await copy.accounts.get('export-1');
    await copy.close();
    expect(copied).toMatchObject({ pool: 'ssoBasic', quota: 7, note: 'mine', tags: ['a'] });
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }

  output.written = '';
  expect(await runCli(['export', '--format', 'text', '--pool', 'ssoSuper'], context())).toBe(0);
  expect(output.written).toBe('export-2\n');
});

test('migrate copies every account with its state into another storage, and a rerun adds nothing', async () => {
  writeFileSync(
    join(dataDir, 'in.json'),
    JSON.stringify({
      ssoBasic: [{ token: 'move-1', quota: 3, fail_count: 2, status: 'cooling' }],
      ssoSuper: ['move-2'],
    }),
  );
  await runCli(['import', join(dataDir, 'in.json')], context());
  const target = join(dataDir, 'target.db');
  expect(await runCli(['migrate', '--to-type', 'sqlite', '--to-url', target], context())).toBe(0);
  expect(JSON.parse(output.out.at(-1)!)).toEqual({
    from: 'sqlite',
    to: 'sqlite',
    accounts: 2,
    added: 2,
    duplicates: 0,
  });
  const moved = Object.fromEntries((await storedAccounts(target)).map((account) => [account.token, account]));
  expect(moved['move-1']).toMatchObject({ pool: 'ssoBasic', quota: 3, failCount: 2, status: 'cooling' });
  expect(moved['move-2']!.pool).toBe('ssoSuper');
  expect(await runCli(['migrate', '--to-type', 'sqlite', '--to-url', target], context())).toBe(0);
  expect(JSON.parse(output.out.at(-1)!)).toMatchObject({ added: 0, duplicates: 2 });
});

test('check-config passes on defaults and names every bad key and variable', async () => {
  expect(await runCli(['check-config'], context())).toBe(0);
  expect(JSON.parse(output.out[0]!)).toMatchObject({ ok: true, storage: 'sqlite' });

  writeFileSync(join(dataDir, 'config.toml'), '[chat]\nconcurrent = "lots"\n');
  const status = await runCli(
    ['check-config'],
    context({ SERVER_PORT: '99999', LOG_LEVEL: 'loud', SERVER_STORAGE_TYPE: 'floppy' }),
  );
  expect(status).toBe(1);
  const errors = output.err.join('\n');
  expect(errors).toContain('chat.concurrent');
  expect(errors).toContain('SERVER_PORT');
  expect(errors).toContain('LOG_LEVEL');
  expect(errors).toContain('floppy');
});

test('usage mistakes exit 2 with a hint; --help lists every command and the main variables', async () => {
  expect(await runCli(['frobnicate'], context())).toBe(2);
  expect(await runCli(['import'], context())).toBe(2);
  expect(await runCli(['export', '--format', 'xml'], context())).toBe(2);
  expect(await runCli(['migrate'], context())).toBe(2);
  expect(output.err.every((line) => line.includes('--help'))).toBe(true);
  expect(await runCli(['--help'], context())).toBe(0);
  for (const word of [
    'serve',
    'import',
    'export',
    'migrate',
    'check-config',
    'DATA_DIR',
    'SERVER_PORT',
    'SERVER_STORAGE_TYPE',
    'LOG_LEVEL',
    'LOG_FILE_ENABLED',
    'GROK2API_',
  ]) {
    expect(output.out.at(-1)).toContain(word);
  }
});
