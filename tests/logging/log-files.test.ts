import { afterEach, beforeEach, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseLogFormat, Logger, rotationFromConfig } from '../../src/logging/logger';
import { formatPretty } from '../../src/logging/pretty-format';
import { RotatingFileWriter } from '../../src/logging/rotating-file';

let directory: string;
beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'grok2api-logs-'))));
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const clockAt = (iso: string) => {
  let now = new Date(iso);
  return { clock: () => now, set: (next: string) => (now = new Date(next)) };
};

test('a file rolls over when the next line would pass the size limit, and only the newest files are kept', () => {
  const time = clockAt('2026-11-26T10:00:00Z');
  const writer = new RotatingFileWriter(directory, { maxBytes: 100, maxFiles: 3 }, time.clock);
  const line = 'x'.repeat(39); // 40 bytes with the newline: two lines fit in 100, three do not
  for (let index = 0; index < 7; index++) writer.write(line);
  // 7 lines, 2 per file: pieces .1 .2 .3 and the current file; the oldest piece is pruned.
  expect(readdirSync(directory).sort()).toEqual(['app_2026-11-26.2.log', 'app_2026-11-26.3.log', 'app_2026-11-26.log']);
  expect(readFileSync(join(directory, 'app_2026-11-26.log'), 'utf8')).toBe(`${line}\n`);
  expect(readFileSync(join(directory, 'app_2026-11-26.3.log'), 'utf8')).toBe(`${line}\n${line}\n`);
});

test('a new UTC day starts a new file; retention counts files across days', () => {
  const time = clockAt('2026-11-24T23:59:59Z');
  const writer = new RotatingFileWriter(directory, { maxBytes: 0, maxFiles: 2 }, time.clock);
  writer.write('day one');
  time.set('2026-11-25T00:00:00Z');
  writer.write('day two');
  time.set('2026-11-26T08:00:00Z');
  writer.write('day three');
  expect(readdirSync(directory).sort()).toEqual(['app_2026-11-25.log', 'app_2026-11-26.log']);
  // Files that are not ours are never touched.
  writeFileSync(join(directory, 'notes.txt'), 'keep');
  writer.configure({ maxBytes: 0, maxFiles: 1 });
  expect(readdirSync(directory).sort()).toEqual(['app_2026-11-26.log', 'notes.txt']);
});

test('max_files <= 0 keeps everything; [log] sizes are megabytes', () => {
  const writer = new RotatingFileWriter(
    directory,
    { maxBytes: 10, maxFiles: 0 },
    () => new Date('2026-11-26T00:00:00Z'),
  );
  for (let index = 0; index < 5; index++) writer.write('0123456789');
  expect(readdirSync(directory)).toHaveLength(5);
  expect(rotationFromConfig({ max_file_size_mb: 2, max_files: 7 })).toEqual({ maxBytes: 2 * 1024 * 1024, maxFiles: 7 });
});

test('the logger writes JSON to files and pretty text to a terminal, both redacted', () => {
  const console: string[] = [];
  const logger = new Logger({
    format: 'pretty',
    write: (line) => console.push(line),
    fileDirectory: directory,
    clock: () => new Date('2026-11-26T10:11:12.345Z'),
  });
  logger
    .child({ requestId: 'abc' })
    .warn('upstream failed', { status: 502, detail: 'Bearer sk-secret-value', note: 'two words' });
  expect(console).toEqual([
    '10:11:12.345 WARN  upstream failed requestId=abc status=502 detail="Bearer [redacted]" note="two words"',
  ]);
  const file = readFileSync(join(directory, 'app_2026-11-26.log'), 'utf8');
  expect(JSON.parse(file)).toEqual({
    time: '2026-11-26T10:11:12.345Z',
    level: 'warn',
    message: 'upstream failed',
    requestId: 'abc',
    status: 502,
    detail: 'Bearer [redacted]',
    note: 'two words',
  });
  expect(formatPretty({ time: '2026-11-26T10:11:12.345Z', level: 'error', message: 'x' }, true)).toContain(
    '\x1b[31mERROR',
  );
});

test('LOG_FORMAT decides, else a terminal gets pretty and a pipe gets JSON', () => {
  expect(chooseLogFormat(undefined, true)).toBe('pretty');
  expect(chooseLogFormat(undefined, false)).toBe('json');
  expect(chooseLogFormat('JSON', true)).toBe('json');
  expect(chooseLogFormat('pretty', false)).toBe('pretty');
  expect(() => chooseLogFormat('xml', false)).toThrow('LOG_FORMAT');
});

test('LOG_MAX_FILE_SIZE_MB and LOG_MAX_FILES set the [log] keys', async () => {
  const { loadConfig } = await import('../../src/config/load');
  const config = await loadConfig({ dataDir: directory, env: { LOG_MAX_FILE_SIZE_MB: '5', LOG_MAX_FILES: '2' } });
  expect(config.get().log).toMatchObject({ max_file_size_mb: 5, max_files: 2 });
});
