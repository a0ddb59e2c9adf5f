import { describe, expect, test } from 'bun:test';
import { MAX_TOKEN_BYTES, normalizeToken } from '../../src/upstream/grok/token';

describe('normalizeToken', () => {
  test.each([
    ['eyJhbGc.abc-def', 'eyJhbGc.abc-def'],
    ['sso=eyJhbGc.abc', 'eyJhbGc.abc'],
    ['SSO=eyJhbGc.abc', 'eyJhbGc.abc'],
    ['sso=abc; sso-rw=abc; cf_clearance=x', 'abc'],
    ['  abc\r\n', 'abc'],
    ['a b\tc\u0000d', 'abcd'],
    ['\u200Babc\u200D\uFEFF', 'abc'],
    ['abc\u2013def\u2014ghi', 'abc-def-ghi'],
    ['\u201Cabc\u201D', '"abc"'],
    ['\u2018abc\u2019', "'abc'"],
    ['abc你好def', 'abcdef'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeToken(raw)).toBe(expected);
  });

  test.each([[''], ['   '], ['sso='], ['sso=;abc'], ['你好'], ['\u200B\u200B']])('rejects %j', (raw) => {
    expect(normalizeToken(raw)).toBeNull();
  });

  test('limits tokens to 16 KiB', () => {
    expect(normalizeToken('a'.repeat(MAX_TOKEN_BYTES))).toBe('a'.repeat(MAX_TOKEN_BYTES));
    expect(normalizeToken('a'.repeat(MAX_TOKEN_BYTES + 1))).toBeNull();
  });
});
