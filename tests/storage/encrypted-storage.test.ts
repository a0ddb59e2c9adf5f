import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../src/storage';
import { createTokenCipher, SecretKeyError } from '../../src/storage/token-cipher';
import { startHarness } from '../helpers/gateway-harness';
import { runAccountStoreContract } from './account-store-contract';
import { runRecordStoreContract } from './record-store-contract';

const KEY = 'test-secret-key-0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'grok2api-encrypted-'));
let databases = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

const storedTokens = (dataDir: string) => {
  const database = new Database(join(dataDir, 'grok2api.db'), { readonly: true });
  const tokens = database
    .query<{ token: string }, []>('SELECT token FROM accounts')
    .all()
    .map((row) => row.token);
  database.close();
  return tokens;
};

describe('token cipher', () => {
  test('deterministic, authenticated, and bound to its key', () => {
    const cipher = createTokenCipher(KEY);
    const sealed = cipher.encrypt('sso-token-ü');
    expect(sealed.startsWith('enc:v1:')).toBe(true);
    expect(sealed).not.toContain('sso-token');
    expect(cipher.encrypt('sso-token-ü')).toBe(sealed);
    expect(cipher.decrypt(sealed)).toBe('sso-token-ü');
    expect(() => createTokenCipher('another-key-0123456789').decrypt(sealed)).toThrow(SecretKeyError);
    const altered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(altered)).toThrow(SecretKeyError);
    expect(() => createTokenCipher('short')).toThrow('at least 16');
  });
});

// The whole storage contract holds with encryption on, so every caller sees the same behaviour.
describe('SQLite with GROK2API_SECRET_KEY', () => {
  runAccountStoreContract(async () =>
    openStorage({ type: 'sqlite', dataDir: join(root, `data-${databases++}`), secretKey: KEY }),
  );
  runRecordStoreContract(async () =>
    openStorage({ type: 'sqlite', dataDir: join(root, `data-${databases++}`), secretKey: KEY }),
  );
});

describe('encryption at rest', () => {
  test('rows hold no plain token; plain rows are migrated on start; the wrong key or no key stops the start', async () => {
    const dataDir = join(root, 'migrate');
    const plain = await openStorage({ type: 'sqlite', dataDir });
    await plain.accounts.insert([
      { token: 'plain-token-one', pool: 'ssoBasic', note: 'kept', tags: ['x'] },
      { token: 'plain-token-two', pool: 'ssoSuper' },
    ]);
    await plain.accounts.recordSuccess('plain-token-one', { units: 3, at: 5 });
    await plain.close();
    expect(storedTokens(dataDir).sort()).toEqual(['plain-token-one', 'plain-token-two']);

    let migrated = 0;
    const keyed = await openStorage({
      type: 'sqlite',
      dataDir,
      secretKey: KEY,
      onTokensEncrypted: (count) => (migrated = count),
    });
    expect(migrated).toBe(2);
    expect(await keyed.accounts.get('plain-token-one')).toMatchObject({
      pool: 'ssoBasic',
      note: 'kept',
      tags: ['x'],
      useCount: 3,
    });
    expect((await keyed.accounts.list()).map((account) => account.token).sort()).toEqual([
      'plain-token-one',
      'plain-token-two',
    ]);
    await keyed.close();
    const stored = storedTokens(dataDir);
    expect(stored).toHaveLength(2);
    for (const token of stored) {
      expect(token.startsWith('enc:v1:')).toBe(true);
      expect(token).not.toContain('plain-token');
    }

    await expect(openStorage({ type: 'sqlite', dataDir, secretKey: 'a-different-key-9876543210' })).rejects.toThrow(
      'not the key the stored account tokens were encrypted with',
    );
    await expect(openStorage({ type: 'sqlite', dataDir })).rejects.toThrow('GROK2API_SECRET_KEY is not set');
    expect(storedTokens(dataDir)).toEqual(stored); // nothing was altered by the refused starts

    let again = -1;
    const reopened = await openStorage({
      type: 'sqlite',
      dataDir,
      secretKey: KEY,
      onTokensEncrypted: (count) => (again = count),
    });
    expect(again).toBe(-1);
    expect(await reopened.accounts.count()).toBe(2);
    await reopened.close();
  });

  test('the gateway serves with encrypted tokens: the simulator receives the plain token', async () => {
    const harness = await startHarness({ env: { GROK2API_SECRET_KEY: KEY } });
    try {
      const completion = await harness.client.chat.completions.create({
        model: 'grok-4',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(completion.choices[0]?.message.content).toBeTruthy();
      expect(harness.simulator.requests.some((request) => request.cookies.sso === 'account-basic-1')).toBe(true);
      expect(storedTokens(harness.dataDir)).toEqual([createTokenCipher(KEY).encrypt('account-basic-1')]);
      // Responses other than the token list/export (which must carry tokens for the console's save protocol) never show one.
      for (const path of [
        '/v1/admin/status',
        '/health',
        '/ready',
        '/metrics',
        '/v1/admin/config',
        '/v1/admin/diagnostics/capture',
      ]) {
        const response = await harness.admin(path);
        expect(await response.text()).not.toContain('account-basic-1');
      }
    } finally {
      await harness.stop();
    }
  });
});
