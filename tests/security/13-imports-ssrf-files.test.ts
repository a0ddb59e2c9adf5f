import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFileWriter } from '../../src/logging/rotating-file';
import { isBlockedAddress } from '../../src/attachments/address-policy';
import { DATABASE_FILE_NAME } from '../../src/storage';
import { startHarness, type Harness } from '../helpers/gateway-harness';

/**
 * Finding 13: the import's `content` was capped by limits.max_string_chars (a 7 MB paste of 50k
 * tokens refused though max_admin_body_mb is 64); the SSRF policy let ::/96, ::ffff:0:0:0/96
 * (SIIT) and 2002::/16 (6to4) through; grok2api.db (full tokens) and the logs were created
 * world-readable; a symlink inside the cache folder was followed by /v1/files.
 */

describe('the gateway on its defaults', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.stop());

  test('a 7 MB import paste of 50,000 tokens is accepted', async () => {
    const tokens = Array.from({ length: 50_000 }, (_, index) => `${'t'.repeat(130)}${String(index).padStart(8, '0')}`);
    const content = tokens.join('\n');
    expect(content.length).toBeGreaterThan(4_000_000); // over max_string_chars
    const response = await harness.admin('/v1/admin/tokens/import', {
      method: 'POST',
      body: JSON.stringify({ content, format: 'txt' }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).added).toBe(50_000);
  }, 60_000);

  test('the database holding the tokens is readable by its owner only', () => {
    expect(statSync(join(harness.dataDir, DATABASE_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  test('a symlink in the cache folder is not served', async () => {
    const folder = join(harness.dataDir, 'tmp', 'image');
    mkdirSync(folder, { recursive: true });
    const secret = join(harness.dataDir, 'outside.png');
    writeFileSync(secret, 'not for the public');
    symlinkSync(secret, join(folder, 'link.png'));
    writeFileSync(join(folder, 'real.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await fetch(`${harness.server.url}/v1/files/image/link.png`)).status).toBe(404);
    expect((await fetch(`${harness.server.url}/v1/files/image/real.png`)).status).toBe(200);
  });
});

test('log files are created readable by their owner only', () => {
  const directory = mkdtempSync(join(tmpdir(), 'grok2api-logs-'));
  try {
    const writer = new RotatingFileWriter(directory, { maxBytes: 0, maxFiles: 0 });
    writer.write('{"message":"hello"}');
    expect(statSync(writer.currentPath()).mode & 0o777).toBe(0o600);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test.each([
  ['::7f00:1', 'IPv4-compatible ::/96 (127.0.0.1)'],
  ['::a00:1', 'IPv4-compatible ::/96 (10.0.0.1)'],
  ['::ffff:0:7f00:1', 'SIIT ::ffff:0:0:0/96 (127.0.0.1)'],
  ['::ffff:0:a9fe:a9fe', 'SIIT ::ffff:0:0:0/96 (169.254.169.254)'],
  ['2002:7f00:1::', '6to4 2002::/16 (127.0.0.1)'],
  ['2002:a9fe:a9fe::1', '6to4 2002::/16 (169.254.169.254)'],
])('%s (%s) is refused', (address) => {
  expect(isBlockedAddress(address)).toBe(true);
});

test('public IPv6 addresses still pass', () => {
  expect(isBlockedAddress('2606:4700:4700::1111')).toBe(false);
  expect(isBlockedAddress('2001:4860:4860::8888')).toBe(false);
});
