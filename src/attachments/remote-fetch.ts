import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isBlockedAddress, isBlockedHostName } from './address-policy';

/** Why a user-supplied URL was not fetched; the message is safe to show to the client. */
export class RemoteFetchError extends Error {
  constructor(
    message: string,
    readonly reason: 'blocked' | 'invalid' | 'too_large' | 'failed' | 'timeout',
  ) {
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
  /** True when the gateway must not connect to this address; tests loosen it to reach a loopback server. */
  isBlocked?: (address: string) => boolean;
}

export interface RemoteFile {
  bytes: Uint8Array;
  mimeType: string | null;
  finalUrl: URL;
}

const defaultLookup = async (hostname: string) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks the URL and resolves its host ONCE; the caller connects to the address returned here, so a
 * DNS answer that changes after the check (rebinding) cannot redirect the connection.
 */
async function resolveCheckedAddress(
  url: URL,
  lookup: (hostname: string) => Promise<string[]>,
  isBlocked: (address: string) => boolean,
): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RemoteFetchError('Only http and https URLs can be fetched.', 'invalid');
  if (url.username || url.password) throw new RemoteFetchError('URLs with credentials are not fetched.', 'invalid');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (isBlockedHostName(hostname))
    throw new RemoteFetchError(`The host ${hostname} is not reachable from this gateway.`, 'blocked');
  const addresses = isIP(hostname)
    ? [hostname]
    : await lookup(hostname).catch(() => {
        throw new RemoteFetchError(`Could not resolve ${hostname}.`, 'failed');
      });
  if (addresses.length === 0 || addresses.some(isBlocked)) {
    throw new RemoteFetchError(
      `The host ${hostname} resolves to a private or reserved address; it is not fetched.`,
      'blocked',
    );
  }
  return addresses[0]!;
}

/**
 * The request that reaches exactly `address`: the URL names the IP, the Host header and the TLS
 * server name (SNI and certificate check) keep the original host name.
 */
export function pinnedRequest(
  url: URL,
  address: string,
): { url: URL; headers: Record<string, string>; tls?: { serverName: string } } {
  const pinned = new URL(url);
  pinned.hostname = isIP(address) === 6 ? `[${address}]` : address;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const named = !isIP(hostname);
  return {
    url: pinned,
    headers: { accept: '*/*', host: url.host },
    ...(named && url.protocol === 'https:' ? { tls: { serverName: hostname } } : {}),
  };
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
 * Each hop's host is resolved once and the connection goes to that checked address (see
 * pinnedRequest), so DNS rebinding between check and connect does not reach a private address.
 */
export async function fetchRemoteFile(source: string, options: RemoteFetchOptions): Promise<RemoteFile> {
  const doFetch = options.fetch ?? fetch;
  const lookup = options.lookup ?? defaultLookup;
  const isBlocked = options.isBlocked ?? isBlockedAddress;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new RemoteFetchError('The URL is not valid.', 'invalid');
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    const address = await resolveCheckedAddress(url, lookup, isBlocked);
    const pinned = pinnedRequest(url, address);
    let response: Response;
    try {
      response = await doFetch(pinned.url, {
        redirect: 'manual',
        signal,
        headers: pinned.headers,
        ...(pinned.tls ? { tls: pinned.tls } : {}),
      } as RequestInit);
    } catch (error) {
      if (timeout.aborted) throw new RemoteFetchError('Fetching the URL timed out.', 'timeout');
      throw new RemoteFetchError(`Fetching the URL failed: ${(error as Error).message}`, 'failed');
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      try {
        url = new URL(location, url);
      } catch {
        throw new RemoteFetchError('The URL redirected to an invalid location.', 'failed');
      }
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RemoteFetchError(`Fetching the URL returned HTTP ${response.status}.`, 'failed');
    }
    let bytes: Uint8Array;
    try {
      bytes = await readLimited(response, options.maxBytes);
    } catch (error) {
      // The time limit covers the body too: a server that trickles bytes is cut off like one that never answers.
      if (error instanceof RemoteFetchError) throw error;
      if (timeout.aborted) throw new RemoteFetchError('Fetching the URL timed out.', 'timeout');
      throw new RemoteFetchError(`Reading the URL failed: ${(error as Error).message}`, 'failed');
    }
    return { bytes, mimeType: response.headers.get('content-type')?.split(';')[0]?.trim() || null, finalUrl: url };
  }
  throw new RemoteFetchError('Too many redirects.', 'failed');
}
