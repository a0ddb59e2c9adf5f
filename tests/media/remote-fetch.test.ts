import { describe, expect, test } from 'bun:test';
import { isBlockedAddress, isBlockedHostName } from '../../src/attachments/address-policy';
import { decodeDataUri, loadAttachment } from '../../src/attachments/attachment-loader';
import { fetchRemoteFile, RemoteFetchError } from '../../src/attachments/remote-fetch';

describe('address policy', () => {
  test.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    'ff02::1',
    'not-an-ip',
  ])('%s is refused', (address) => expect(isBlockedAddress(address)).toBe(true));

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is allowed',
    (address) => expect(isBlockedAddress(address)).toBe(false),
  );

  test('local host names are refused by name', () => {
    for (const host of ['localhost', 'api.localhost', 'printer.local', 'metadata.google.internal', 'LOCALHOST.'])
      expect(isBlockedHostName(host)).toBe(true);
    expect(isBlockedHostName('example.com')).toBe(false);
  });
});

const publicLookup = async () => ['93.184.216.34'];

describe('fetchRemoteFile', () => {
  test('fetches a public URL and reports its type', async () => {
    const fetchStub = (async () =>
      new Response('hello', { headers: { 'content-type': 'text/plain; charset=utf-8' } })) as unknown as typeof fetch;
    const file = await fetchRemoteFile('https://example.com/a.txt', {
      maxBytes: 100,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: publicLookup,
    });
    expect(new TextDecoder().decode(file.bytes)).toBe('hello');
    expect(file.mimeType).toBe('text/plain');
  });

  test('refuses a name that resolves to a private address, without connecting', async () => {
    let connected = false;
    const fetchStub = (async () => {
      connected = true;
      return new Response('x');
    }) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://intranet.example.com/', {
      maxBytes: 100,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: async () => ['93.184.216.34', '10.0.0.5'],
    }).catch((caught) => caught);
    expect(error).toBeInstanceOf(RemoteFetchError);
    expect((error as RemoteFetchError).reason).toBe('blocked');
    expect(connected).toBe(false);
  });

  test('re-checks every redirect hop', async () => {
    const fetchStub = (async (_url: URL, init: RequestInit) =>
      new Headers(init.headers).get('host') === 'example.com'
        ? new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:8080/admin' } })
        : new Response('secret')) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/image.png', {
      maxBytes: 100,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: publicLookup,
    }).catch((caught) => caught);
    expect((error as RemoteFetchError).reason).toBe('blocked');
  });

  test('stops reading past the size limit', async () => {
    const fetchStub = (async () => new Response(new Uint8Array(1000))) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/big', {
      maxBytes: 999,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: publicLookup,
    }).catch((caught) => caught);
    expect((error as RemoteFetchError).reason).toBe('too_large');
  });

  test('refuses other schemes and credentials in URLs', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'https://user:pass@example.com/']) {
      const error = await fetchRemoteFile(url, { maxBytes: 100, timeoutMs: 1000, lookup: publicLookup }).catch(
        (caught) => caught,
      );
      expect((error as RemoteFetchError).reason).toBe('invalid');
    }
  });
});

describe('fetchRemoteFile: DNS rebinding, redirects, limits', () => {
  test('connects to the address it checked, even when the resolver changes its answer (rebinding)', async () => {
    // First answer public, every later answer loopback: a second resolution at connect time would reach 127.0.0.1.
    let lookups = 0;
    const rebindingLookup = async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const seen: { url: string; host: string | null; tls: unknown }[] = [];
    const fetchStub = (async (url: URL, init: RequestInit & { tls?: unknown }) => {
      seen.push({ url: String(url), host: new Headers(init.headers).get('host'), tls: init.tls });
      return new Response('ok');
    }) as unknown as typeof fetch;
    const file = await fetchRemoteFile('https://rebind.example.com:8443/a.png?x=1', {
      maxBytes: 100,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: rebindingLookup,
    });
    expect(new TextDecoder().decode(file.bytes)).toBe('ok');
    expect(lookups).toBe(1);
    expect(seen).toEqual([
      {
        url: 'https://93.184.216.34:8443/a.png?x=1',
        host: 'rebind.example.com:8443',
        tls: { serverName: 'rebind.example.com' },
      },
    ]);
  });

  test('a real connection goes to the pinned address with the original Host header', async () => {
    const hosts: string[] = [];
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: (request) => (hosts.push(request.headers.get('host') ?? ''), new Response('pinned')),
    });
    try {
      let lookups = 0;
      // The test policy lets 127.0.0.1 through and refuses 127.0.0.2; the resolver rebinds to 127.0.0.2 after the check.
      const file = await fetchRemoteFile(`http://files.example:${server.port}/x`, {
        maxBytes: 100,
        timeoutMs: 2000,
        lookup: async () => (lookups++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
        isBlocked: (address) => address !== '127.0.0.1',
      });
      expect(new TextDecoder().decode(file.bytes)).toBe('pinned');
      expect(hosts).toEqual([`files.example:${server.port}`]);
      expect(lookups).toBe(1);
    } finally {
      server.stop(true);
    }
  });

  test('a redirect to a blocked address is refused before connecting to it (real server)', async () => {
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () =>
        new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } }),
    });
    try {
      const error = await fetchRemoteFile(`http://files.example:${server.port}/x`, {
        maxBytes: 100,
        timeoutMs: 2000,
        lookup: async () => ['127.0.0.1'],
        isBlocked: (address) => address !== '127.0.0.1',
      }).catch((caught) => caught);
      expect((error as RemoteFetchError).reason).toBe('blocked');
    } finally {
      server.stop(true);
    }
  });

  test('too many redirects stop the fetch', async () => {
    let calls = 0;
    const fetchStub = (async () => (
      calls++, new Response(null, { status: 302, headers: { location: '/again' } })
    )) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/loop', {
      maxBytes: 100,
      timeoutMs: 1000,
      maxRedirects: 2,
      fetch: fetchStub,
      lookup: publicLookup,
    }).catch((caught) => caught);
    expect((error as RemoteFetchError).message).toBe('Too many redirects.');
    expect(calls).toBe(3);
  });

  test('a declared Content-Length over the limit is refused without reading', async () => {
    const fetchStub = (async () =>
      new Response('tiny', { headers: { 'content-length': '5000' } })) as unknown as typeof fetch;
    const error = await fetchRemoteFile('https://example.com/big', {
      maxBytes: 100,
      timeoutMs: 1000,
      fetch: fetchStub,
      lookup: publicLookup,
    }).catch((caught) => caught);
    expect((error as RemoteFetchError).reason).toBe('too_large');
  });

  test('the time limit also cuts off a body that trickles (real server)', async () => {
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      idleTimeout: 30,
      fetch: () =>
        new Response(
          new ReadableStream({
            async pull(controller) {
              await Bun.sleep(50);
              controller.enqueue(new Uint8Array(1));
            },
          }),
        ),
    });
    try {
      const error = await fetchRemoteFile(`http://files.example:${server.port}/slow`, {
        maxBytes: 1_000_000,
        timeoutMs: 300,
        lookup: async () => ['127.0.0.1'],
        isBlocked: (address) => address !== '127.0.0.1',
      }).catch((caught) => caught);
      expect(error).toBeInstanceOf(RemoteFetchError);
      expect((error as RemoteFetchError).reason).toBe('timeout');
    } finally {
      server.stop(true);
    }
  });
});

describe('attachments', () => {
  test('data URIs decode; non-base64 ones are refused', async () => {
    expect(decodeDataUri('data:image/png;base64,aGVsbG8=')).toEqual({
      mimeType: 'image/png',
      bytes: new Uint8Array(Buffer.from('hello')),
    });
    expect(decodeDataUri('data:text/plain,hello')).toBeNull();
    const loaded = await loadAttachment(
      { kind: 'file', source: 'data:text/plain;base64,aGVsbG8=' },
      { maxBytes: 10, timeoutMs: 1000 },
    );
    expect(loaded).toMatchObject({ name: 'file.txt', mimeType: 'text/plain' });
    // Bytes labelled image/png must be one (tests/security/11-attachments.test.ts).
    await expect(
      loadAttachment({ kind: 'image', source: 'data:image/png;base64,aGVsbG8=' }, { maxBytes: 10, timeoutMs: 1000 }),
    ).rejects.toThrow('not a PNG');
    await expect(
      loadAttachment({ kind: 'image', source: 'data:image/png;base64,aGVsbG8=' }, { maxBytes: 2, timeoutMs: 1000 }),
    ).rejects.toThrow('larger than');
  });
});
