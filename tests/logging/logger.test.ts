import { expect, test } from 'bun:test';
import { Logger, maskSecret } from '../../src/logging/logger';

const capture = () => {
  const lines: string[] = [];
  return { lines, logger: new Logger({ write: (line) => lines.push(line), level: 'debug' }) };
};

test('secret fields are masked and secrets inside text are cut', () => {
  const { lines, logger } = capture();
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uX2lkIjoiYWJjIn0.c2lnbmF0dXJlLXZhbHVl';
  logger.child({ requestId: 'r1' }).warn('upstream failed', {
    token,
    nested: { api_key: 'sk-very-secret-key-123', cookie: `sso=${token}; sso-rw=${token}` },
    detail: `sent Cookie: sso=${token} and Authorization: Bearer sk-live-abcdef`,
    tokens: ['first-secret-token-value', 'second-secret-token-value'],
  });
  const line = lines[0]!;
  expect(line).not.toContain(token);
  expect(line).not.toContain('sk-very-secret-key-123');
  expect(line).not.toContain('sk-live-abcdef');
  expect(line).not.toContain('first-secret-token-value');
  const record = JSON.parse(line) as Record<string, unknown>;
  expect(record.requestId).toBe('r1');
  expect(record.level).toBe('warn');
  expect(record.token).toBe(maskSecret(token));
});

test('levels below the minimum are dropped', () => {
  const lines: string[] = [];
  const logger = new Logger({ write: (line) => lines.push(line), level: 'warn' });
  logger.info('quiet');
  logger.error('loud');
  expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['loud']);
});

test('a mask never reveals a short secret', () => {
  expect(maskSecret('abc')).toBe('***');
  expect(maskSecret('abcdefghijklmnop')).toBe('abcd…mnop');
});

test('admin and function keys in a query string are cut from text', () => {
  const { lines, logger } = capture();
  logger.warn('stream refused', {
    url: '/v1/admin/batch/x/stream?app_key=admin-secret-1&y=1',
    other: 'ws?function_key=fn-secret-2',
  });
  expect(lines[0]).not.toContain('admin-secret-1');
  expect(lines[0]).not.toContain('fn-secret-2');
  expect(lines[0]).toContain('y=1');
});
