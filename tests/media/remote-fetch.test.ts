import { describe, expect, test } from 'bun:test';
import { isBlockedAddress, isBlockedHostName } from '../../src/media/address-policy';
import { decodeDataUri, loadAttachment } from '../../src/media/attachment-loader';
import { fetchRemoteFile, RemoteFetchError } from '../../src/media/remote-fetch';

describe('address policy', () => {
  test.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '64:ff9b::a00:1', 'ff02::1', 'not-an-ip',
  ])('%s is refused', (address) => expect(isBlockedAddress(address)).toBe(true));

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is allowed', (address) =>
    expect(isBlockedAddress(address)).toBe(false));

  test('local host names are refused by name', () => {
    for (const host of ['localhost', 'api.localhost', 'printer.local', 'metadata.google.internal', 'LOCALHOST.']) expect(isBlockedHostName(host)).toBe(true);
    expect(isBlockedHostName('example.com')).toBe(false);
  });
});

const publicLookup = async () => ['93.184.216.34'];

describe('fetchRemoteFile', () => {
  test('fetches a public URL and reports its type', async () => {
    const fetchStub = (async () => new Response('hello', { headers: { 'content-type': 'text/plain; charset=utf-8' } })) as unknown as typeof fetch;
    const file = await fetchRemoteFile('https://example.com/a.txt', { maxBytes: 100, timeoutMs: 1000, fetch: fetchStub, lookup: publicLookup });
    expect(new TextDecoder().decode(file.bytes)).toBe('hello');
    expect(file.mimeType).toBe('text/plain');
  });

  test('refuses a name that resolves to a private address, without connecting', async () => {
    let connected = false;
    const fetchStub = (async () => {
      connected = true;
      return new Response('x');
    }) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://intranet.example.com/', { maxBytes: 100, timeoutMs: 1000, fetch: fetchStub, lookup: async () => ['93.184.216.34', '10.0.0.5'] }).catch((caught) => caught);
    expect(error).toBeInstanceOf(RemoteFetchError);
    expect((error as RemoteFetchError).reason).toBe('blocked');
    expect(connected).toBe(false);
  });

  test('re-checks every redirect hop', async () => {
    const fetchStub = (async (url: URL) =>
      url.hostname === 'example.com'
        ? new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:8080/admin' } })
        : new Response('secret')) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/image.png', { maxBytes: 100, timeoutMs: 1000, fetch: fetchStub, lookup: publicLookup }).catch((caught) => caught);
    expect((error as RemoteFetchError).reason).toBe('blocked');
  });

  test('stops reading past the size limit', async () => {
    const fetchStub = (async () => new Response(new Uint8Array(1000))) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/big', { maxBytes: 999, timeoutMs: 1000, fetch: fetchStub, lookup: publicLookup }).catch((caught) => caught);
    expect((error as RemoteFetchError).reason).toBe('too_large');
  });

  test('refuses other schemes and credentials in URLs', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'https://user:pass@example.com/']) {
      const error = await fetchRemoteFile(url, { maxBytes: 100, timeoutMs: 1000, lookup: publicLookup }).catch((caught) => caught);
      expect((error as RemoteFetchError).reason).toBe('invalid');
    }
  });
});

describe('attachments', () => {
  test('data URIs decode; non-base64 ones are refused', async () => {
    expect(decodeDataUri('data:image/png;base64,aGVsbG8=')).toEqual({ mimeType: 'image/png', bytes: new Uint8Array(Buffer.from('hello')) });
    expect(decodeDataUri('data:text/plain,hello')).toBeNull();
    const loaded = await loadAttachment({ kind: 'image', source: 'data:image/png;base64,aGVsbG8=' }, { maxBytes: 10, timeoutMs: 1000 });
    expect(loaded).toMatchObject({ name: 'file.png', mimeType: 'image/png' });
    await expect(loadAttachment({ kind: 'image', source: 'data:image/png;base64,aGVsbG8=' }, { maxBytes: 2, timeoutMs: 1000 })).rejects.toThrow('larger than');
  });
});
