import type { Config } from '../../../config/schema';
import { cookieHeader, socketHeaders, type HeaderList } from '../headers';

/** §4.7 / §8.1: no statsig, no request id; the cookie carries `x-userid`. */
export function gatewayHeaders(config: Config, token: string, userId: string): HeaderList {
  return socketHeaders(config, `${cookieHeader(token, config.proxy)}; x-userid=${userId}`);
}

/** `base_url` as ws(s):// with the gateway path and the canonical lower-case uid. */
export function gatewayUrl(baseUrl: string, userId: string): string {
  const url = new URL(baseUrl);
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${scheme}//${url.host}${prefix}/ws/mgw/?uid=${encodeURIComponent(userId.toLowerCase())}`;
}
