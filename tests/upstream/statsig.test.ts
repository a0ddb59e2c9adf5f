import { describe, expect, test } from 'bun:test';
import { UpstreamError } from '../../src/upstream/errors';
import { StatsigProvider } from '../../src/upstream/grok/statsig';
import {
  checkStatsigShape,
  decodedBase64Length,
  extractVerificationMeta,
  legacyStatsigValue,
} from '../../src/upstream/grok/statsig-values';
import { testConfig } from './test-config';

const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');
const seventyBytes = Buffer.alloc(70, 7).toString('base64');

function sequence(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length];
}

describe('legacy statsig', () => {
  test('the fixed value', () => {
    expect(legacyStatsigValue(false)).toBe(
      'ZTpUeXBlRXJyb3I6IENhbm5vdCByZWFkIHByb3BlcnRpZXMgb2YgdW5kZWZpbmVkIChyZWFkaW5nICdjaGlsZE5vZGVzJyk=',
    );
  });

  test('the "children" form decodes to the fake error with 5 characters of [a-z0-9]', () => {
    const text = decode(legacyStatsigValue(true, sequence([0.1, 0, 0.99, 0.5, 0.75, 0.3])));
    expect(text).toMatch(/^e:TypeError: Cannot read properties of null \(reading 'children\['[a-z0-9]{5}'\]'\)$/);
  });

  test('the "undefined" form decodes to the fake error with 10 characters of [a-z]', () => {
    const text = decode(legacyStatsigValue(true, sequence([0.9, 0.2, 0.99])));
    expect(text).toMatch(/^e:TypeError: Cannot read properties of undefined \(reading '[a-z]{10}'\)$/);
  });

  test('is padded standard base64', () => {
    for (let run = 0; run < 50; run++) expect(legacyStatsigValue(true)).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  });
});

describe('manual statsig', () => {
  test('accepts 70 bytes, padded or not', () => {
    expect(decodedBase64Length(seventyBytes)).toBe(70);
    expect(checkStatsigShape(seventyBytes, 'upstream.statsig_value')).toBe(seventyBytes);
    expect(checkStatsigShape(seventyBytes.replace(/=+$/, ''), 'k')).toBe(seventyBytes.replace(/=+$/, ''));
  });

  test.each([[''], [Buffer.alloc(69).toString('base64')], ['not base64!'], [Buffer.alloc(71).toString('base64')]])(
    'refuses %j and names the key',
    async (value) => {
      const provider = new StatsigProvider({
        config: () => testConfig({ upstream: { statsig_mode: 'manual', statsig_value: value } }),
      });
      const error = await provider
        .value({ method: 'POST', path: '/rest/rate-limits', token: 't' })
        .catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code: 'configuration', retryable: false });
      expect((error as Error).message).toContain('upstream.statsig_value');
    },
  );
});

describe('signer statsig', () => {
  const page = '<html><head><META Name="grok\u2013site\u2013verification" CONTENT="meta-123"></head></html>';

  function fakeUpstream(options: { indexStatus?: number } = {}) {
    const calls: { url: string; body: unknown; cookie: string | null }[] = [];
    let signatures = 0;
    const fetchFunction = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      const headers = new Headers(init?.headers);
      calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : undefined, cookie: headers.get('cookie') });
      if (url === 'https://web.example/index' && options.indexStatus === 404)
        return new Response('not here', { status: 404 });
      if (url.startsWith('https://web.example/'))
        return new Response(page, { headers: { 'content-type': 'text/html' } });
      if (url === 'https://signer.example/sign') {
        signatures++;
        await Bun.sleep(1);
        return Response.json({ 'x-statsig-id': Buffer.alloc(70, signatures).toString('base64') });
      }
      return new Response('unexpected', { status: 500 });
    }) as typeof fetch;
    return { calls, fetchFunction };
  }

  const signerConfig = () =>
    testConfig({
      upstream: {
        statsig_mode: 'signer',
        base_url: 'https://web.example',
        statsig_signer_url: 'https://signer.example/sign',
      },
    });

  test('reads the meta tag, signs method+path, caches, merges and invalidates', async () => {
    const upstream = fakeUpstream();
    let now = 1_000;
    const provider = new StatsigProvider({ config: signerConfig, fetch: upstream.fetchFunction, now: () => now });
    const request = { method: 'POST', path: '/rest/app-chat/conversations/new', token: 'tok-a' };

    const [first, second] = await Promise.all([provider.value(request), provider.value(request)]);
    expect(first).toBe(second);
    expect(decodedBase64Length(first)).toBe(70);
    expect(upstream.calls.map((call) => call.url)).toEqual([
      'https://web.example/index',
      'https://signer.example/sign',
    ]);
    expect(upstream.calls[0].cookie).toContain('sso=tok-a');
    expect(upstream.calls[1].body).toEqual({
      method: 'POST',
      path: '/rest/app-chat/conversations/new',
      environment: { metaContent: 'meta-123' },
    });

    expect(await provider.value(request)).toBe(first);
    expect(upstream.calls).toHaveLength(2);

    provider.invalidate('POST', '/rest/app-chat/conversations/new');
    const renewed = await provider.value(request);
    expect(renewed).not.toBe(first);
    expect(upstream.calls).toHaveLength(4);

    now += 60 * 60 * 1000 + 1;
    expect(await provider.value(request)).not.toBe(renewed);
    expect(upstream.calls).toHaveLength(6);
  });

  test('falls back to / when /index is 404', async () => {
    const upstream = fakeUpstream({ indexStatus: 404 });
    const provider = new StatsigProvider({ config: signerConfig, fetch: upstream.fetchFunction });
    await provider.value({ method: 'POST', path: '/rest/rate-limits', token: 't' });
    expect(upstream.calls.map((call) => call.url)).toEqual([
      'https://web.example/index',
      'https://web.example/',
      'https://signer.example/sign',
    ]);
  });

  test('without a signer URL it fails naming the key and calls nobody', async () => {
    const upstream = fakeUpstream();
    const provider = new StatsigProvider({
      config: () => testConfig({ upstream: { statsig_mode: 'signer', base_url: 'https://web.example' } }),
      fetch: upstream.fetchFunction,
    });
    const error = await provider.value({ method: 'POST', path: '/x', token: 't' }).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'configuration' });
    expect((error as Error).message).toContain('upstream.statsig_signer_url');
    expect(upstream.calls).toHaveLength(0);
  });

  test('legacy mode, the default, calls nobody', async () => {
    const upstream = fakeUpstream();
    const provider = new StatsigProvider({ config: () => testConfig(), fetch: upstream.fetchFunction });
    expect(await provider.value({ method: 'POST', path: '/x', token: 't' })).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(upstream.calls).toHaveLength(0);
  });

  test('extractVerificationMeta', () => {
    expect(extractVerificationMeta(page)).toBe('meta-123');
    expect(extractVerificationMeta("<meta content='v2' name='grok-site-verification'/>")).toBe('v2');
    expect(extractVerificationMeta('<meta name="other" content="x">')).toBeNull();
  });
});
