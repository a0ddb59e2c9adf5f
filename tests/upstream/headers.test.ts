import { describe, expect, test } from 'bun:test';
import { brandList, clientHints } from '../../src/upstream/grok/client-hints';
import { headerRecord, headerValue } from '../../src/upstream/grok/header-list';
import { cookieHeader, navigationHeaders, restHeaders, socketHeaders } from '../../src/upstream/grok/headers';
import { cloudflareCookies } from '../../src/upstream/grok/cloudflare-cookies';
import { testConfig } from './test-config';

const names = (list: [string, string][]) => list.map(([name]) => name);

describe('cookieHeader', () => {
  const proxy = testConfig().proxy;

  test('sso and sso-rw carry the token', () => {
    expect(cookieHeader('tok', proxy)).toBe('sso=tok; sso-rw=tok');
  });

  test('sso_rw, cf_clearance and only Cloudflare cookies from cf_cookies', () => {
    const header = cookieHeader('tok', {
      ...proxy,
      sso_rw: 'rw',
      cf_clearance: 'clear',
      cf_cookies:
        '__cf_bm=bm; cf_clearance=old; _cfuvid=uv; sso=evil; _ga=x; cf_chl_rc_i=1; __cflb=lb; broken; bad=a\u0001b',
    });
    expect(header).toBe('sso=tok; sso-rw=rw; cf_clearance=clear; __cf_bm=bm; _cfuvid=uv; cf_chl_rc_i=1; __cflb=lb');
  });

  test('raw_cookie replaces everything', () => {
    expect(cookieHeader('tok', { ...proxy, raw_cookie: ' a=b; c=d ', cf_clearance: 'x' })).toBe('a=b; c=d');
  });
});

describe('cloudflareCookies', () => {
  test('keeps Cloudflare names once and reports every other name, never a value', () => {
    const result = cloudflareCookies('__CF_BM=a; __cf_bm=b; sso=secret-value; _ga=1; x');
    expect(result.kept).toEqual([['__CF_BM', 'a']]);
    expect(result.dropped).toEqual(['sso', '_ga', '(malformed pair)']);
    expect(JSON.stringify(result.dropped)).not.toContain('secret-value');
  });
});

describe('client hints', () => {
  test("Chrome's own brand list for the major version", () => {
    // Values Chrome 131, 136 and 142 send.
    expect(brandList('Google Chrome', 131)).toBe('"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"');
    expect(brandList('Google Chrome', 136)).toBe('"Chromium";v="136", "Google Chrome";v="136", "Not.A/Brand";v="99"');
    expect(brandList('Google Chrome', 142)).toBe('"Chromium";v="142", "Google Chrome";v="142", "Not_A Brand";v="99"');
    expect(brandList('Google Chrome', 146)).toBe('"Chromium";v="146", "Not-A.Brand";v="24", "Google Chrome";v="146"');
  });

  test('Chrome 146 on macOS (the default User-Agent)', () => {
    expect(headerRecord(clientHints(testConfig().proxy.user_agent))).toEqual({
      'sec-ch-ua': '"Chromium";v="146", "Not-A.Brand";v="24", "Google Chrome";v="146"',
      'sec-ch-ua-mobile': '?0',
      'sec-ch-ua-platform': '"macOS"',
      'sec-ch-ua-arch': '"x86"',
      'sec-ch-ua-bitness': '"64"',
      'sec-ch-ua-model': '""',
    });
  });

  test('Edge on macOS, Android mobile, and nothing for Firefox', () => {
    const edge = headerRecord(
      clientHints(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
      ),
    );
    expect(edge['sec-ch-ua']).toContain('"Microsoft Edge";v="140"');
    expect(edge['sec-ch-ua-platform']).toBe('"macOS"');
    const android = headerRecord(
      clientHints(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36',
      ),
    );
    expect(android['sec-ch-ua-mobile']).toBe('?1');
    expect(android['sec-ch-ua-platform']).toBe('"Android"');
    expect(clientHints('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toEqual([]);
  });
});

describe('restHeaders (current release)', () => {
  test('a JSON call: no Baggage, no client hints, Cache-Control and Pragma, in Chrome order', () => {
    const config = testConfig({ upstream: { base_url: 'http://127.0.0.1:4321/' } });
    const headers = restHeaders({ config, token: 'tok', statsigId: 'sig' });
    expect(names(headers)).toEqual([
      'Pragma',
      'Cache-Control',
      'User-Agent',
      'Content-Type',
      'x-statsig-id',
      'x-xai-request-id',
      'Accept',
      'Origin',
      'Sec-Fetch-Site',
      'Sec-Fetch-Mode',
      'Sec-Fetch-Dest',
      'Referer',
      'Accept-Encoding',
      'Accept-Language',
      'Cookie',
      'Priority',
    ]);
    expect(headerValue(headers, 'origin')).toBe('http://127.0.0.1:4321');
    expect(headerValue(headers, 'referer')).toBe('http://127.0.0.1:4321/');
    expect(headerValue(headers, 'sec-fetch-site')).toBe('same-origin');
    expect(headerValue(headers, 'x-xai-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(headerValue(headers, 'x-xai-request-id')).not.toBe(
      headerValue(restHeaders({ config, token: 'tok' }), 'x-xai-request-id'),
    );
  });

  test('the session GET carries client hints, no Origin and no request id; set-tos carries hints', () => {
    const session = restHeaders({ config: testConfig(), token: 't', kind: 'session', contentType: null });
    expect(names(session)).toEqual([
      'Pragma',
      'Cache-Control',
      'sec-ch-ua-platform',
      'User-Agent',
      'sec-ch-ua',
      'sec-ch-ua-mobile',
      'sec-ch-ua-arch',
      'sec-ch-ua-bitness',
      'sec-ch-ua-model',
      'Accept',
      'Sec-Fetch-Site',
      'Sec-Fetch-Mode',
      'Sec-Fetch-Dest',
      'Referer',
      'Accept-Encoding',
      'Accept-Language',
      'Cookie',
      'Priority',
    ]);
    const terms = restHeaders({ config: testConfig(), token: 't', kind: 'terms', statsigId: 's' });
    expect(headerValue(terms, 'sec-ch-ua')).toBeDefined();
    expect(headerValue(terms, 'x-xai-request-id')).toBeDefined();
    expect(
      headerValue(
        restHeaders({ config: testConfig(), token: 't', kind: 'upload', contentType: null }),
        'x-xai-request-id',
      ),
    ).toBeUndefined();
  });

  test('a referer on another host is same-site; no statsig and no body type when not given', () => {
    const headers = restHeaders({
      config: testConfig(),
      token: 't',
      referer: 'https://accounts.x.ai/',
      contentType: null,
    });
    expect(headerValue(headers, 'Sec-Fetch-Site')).toBe('same-site');
    expect(headerValue(headers, 'x-statsig-id')).toBeUndefined();
    expect(headerValue(headers, 'Content-Type')).toBeUndefined();
  });
});

describe('restHeaders (legacy form by config)', () => {
  test('P1: Sentry baggage and client hints on every call, no Cache-Control', () => {
    const config = testConfig({ upstream: { request_form: 'legacy' } });
    const headers = headerRecord(restHeaders({ config, token: 't', statsigId: 's' }));
    expect(headers.baggage).toStartWith('sentry-environment=production');
    expect(headers['sec-ch-ua-arch']).toBe('"x86"');
    expect(headers['cache-control']).toBeUndefined();
    expect(headers['x-statsig-id']).toBe('s');
  });
});

describe('one Accept-Language everywhere', () => {
  test('REST, navigation and both sockets say the same', () => {
    const config = testConfig();
    const values = [
      restHeaders({ config, token: 't' }),
      navigationHeaders(config, 't'),
      socketHeaders(config, 'sso=t'),
    ].map((list) => headerValue(list, 'accept-language'));
    expect(new Set(values)).toEqual(new Set(['zh-CN,zh;q=0.9,en;q=0.8']));
  });
});
