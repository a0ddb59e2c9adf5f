import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isBlockedAddress, isBlockedHostName } from './address-policy';

/** Why a user-supplied URL was not fetched; the message is safe to show to the client. */
export class RemoteFetchError extends Error {
  constructor(message: string, readonly reason: 'blocked' | 'invalid' | 'too_large' | 'failed' | 'timeout') {
    super(message);
    this.name = 'RemoteFetchError';
  }
}

export interface RemoteFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  fetch?: typeof fetch;
  lookup?: (hostname: string) => Promise<string[]>;
  signal?: AbortSignal;
}

export interface RemoteFile { bytes: Uint8Array; mimeType: string | null; finalUrl: URL }

const defaultLookup = async (hostname: string) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

async function assertPublicUrl(url: URL, lookup: (hostname: string) => Promise<string[]>): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteFetchError('Only http and https URLs can be fetched.', 'invalid');
  if (url.username || url.password) throw new RemoteFetchError('URLs with credentials are not fetched.', 'invalid');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (isBlockedHostName(hostname)) throw new RemoteFetchError(`The host ${hostname} is not reachable from this gateway.`, 'blocked');
  const addresses = isIP(hostname) ? [hostname] : await lookup(hostname).catch(() => {
    throw new RemoteFetchError(`Could not resolve ${hostname}.`, 'failed');
  });
  if (addresses.length === 0 || addresses.some(isBlockedAddress)) {
    throw new RemoteFetchError(`The host ${hostname} resolves to a private or reserved address; it is not fetched.`, 'blocked');
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new RemoteFetchError(`The file is larger than ${maxBytes} bytes.`, 'too_large');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RemoteFetchError(`The file is larger than ${maxBytes} bytes.`, 'too_large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Fetches a client-supplied URL after refusing private destinations, re-checking every redirect
 * hop, with size and time limits. Sends no cookies or credentials of ours.
 * Known gap: the address is checked before connecting, so a DNS answer that changes between the
 * check and the connection (rebinding) is not caught here.
 */
export async function fetchRemoteFile(source: string, options: RemoteFetchOptions): Promise<RemoteFile> {
  const doFetch = options.fetch ?? fetch;
  const lookup = options.lookup ?? defaultLookup;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new RemoteFetchError('The URL is not valid.', 'invalid');
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    await assertPublicUrl(url, lookup);
    let response: Response;
    try {
      response = await doFetch(url, { redirect: 'manual', signal, headers: { accept: '*/*' } });
    } catch (error) {
      if (timeout.aborted) throw new RemoteFetchError('Fetching the URL timed out.', 'timeout');
      throw new RemoteFetchError(`Fetching the URL failed: ${(error as Error).message}`, 'failed');
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RemoteFetchError(`Fetching the URL returned HTTP ${response.status}.`, 'failed');
    }
    const bytes = await readLimited(response, options.maxBytes);
    return { bytes, mimeType: response.headers.get('content-type')?.split(';')[0]?.trim() || null, finalUrl: url };
  }
  throw new RemoteFetchError('Too many redirects.', 'failed');
}
