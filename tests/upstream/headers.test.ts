import { describe, expect, test } from 'bun:test';
import { clientHints, cookieHeader, restHeaders } from '../../src/upstream/grok/headers';
import { testConfig } from './test-config';

describe('cookieHeader', () => {
  const proxy = testConfig().proxy;

  test('sso and sso-rw carry the token', () => {
    expect(cookieHeader('tok', proxy)).toBe('sso=tok; sso-rw=tok');
  });

  test('sso_rw, cf_clearance and other Cloudflare cookies', () => {
    const header = cookieHeader('tok', {
      ...proxy,
      sso_rw: 'rw',
      cf_clearance: 'clear',
      cf_cookies: '__cf_bm=bm; cf_clearance=old; _cfuvid=uv; sso=evil; broken; bad=a\u0001b',
    });
    expect(header).toBe('sso=tok; sso-rw=rw; cf_clearance=clear; __cf_bm=bm; _cfuvid=uv');
  });

  test('raw_cookie replaces everything', () => {
    expect(cookieHeader('tok', { ...proxy, raw_cookie: ' a=b; c=d ', cf_clearance: 'x' })).toBe('a=b; c=d');
  });
});

describe('clientHints', () => {
  test('Chrome on Windows', () => {
    expect(clientHints(testConfig().proxy.user_agent)).toEqual({
      'Sec-Ch-Ua': '"Google Chrome";v="136", "Chromium";v="136", "Not(A:Brand";v="24"',
      'Sec-Ch-Ua-Mobile': '?0',
      'Sec-Ch-Ua-Platform': '"Windows"',
      'Sec-Ch-Ua-Arch': '"x86"',
      'Sec-Ch-Ua-Bitness': '"64"',
      'Sec-Ch-Ua-Model': '""',
    });
  });

  test('Edge on macOS, Android mobile, and nothing for Firefox', () => {
    const edge = clientHints('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0');
    expect(edge['Sec-Ch-Ua']).toBe('"Microsoft Edge";v="140", "Chromium";v="140", "Not(A:Brand";v="24"');
    expect(edge['Sec-Ch-Ua-Platform']).toBe('"macOS"');
    const android = clientHints('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36');
    expect(android['Sec-Ch-Ua-Mobile']).toBe('?1');
    expect(android['Sec-Ch-Ua-Platform']).toBe('"Android"');
    expect(clientHints('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toEqual({});
  });
});

describe('restHeaders', () => {
  test('Origin and Referer follow upstream.base_url', () => {
    const config = testConfig({ upstream: { base_url: 'http://127.0.0.1:4321/' } });
    const headers = restHeaders({ config, token: 'tok', statsigId: 'sig' });
    expect(headers.Origin).toBe('http://127.0.0.1:4321');
    expect(headers.Referer).toBe('http://127.0.0.1:4321/');
    expect(headers['Sec-Fetch-Site']).toBe('same-origin');
    expect(headers['x-statsig-id']).toBe('sig');
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['x-xai-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(headers['x-xai-request-id']).not.toBe(restHeaders({ config, token: 'tok' })['x-xai-request-id']);
  });

  test('a referer on another host is same-site; no statsig and no body type when not given', () => {
    const headers = restHeaders({ config: testConfig(), token: 't', referer: 'https://accounts.x.ai/', contentType: null });
    expect(headers['Sec-Fetch-Site']).toBe('same-site');
    expect('x-statsig-id' in headers).toBe(false);
    expect('Content-Type' in headers).toBe(false);
  });
});
