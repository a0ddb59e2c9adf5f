import { BlockList, isIP } from 'node:net';

/**
 * The address of the client behind a request. Bun knows the socket address only on the request
 * object it handed to `fetch`; a Request built from it (a chunked body re-wrapped, a playground
 * call forwarded through `app.handle`) has none, and `app.handle` has no server to ask at all.
 * So the listener records the socket address once, here, and whoever builds a request on behalf
 * of another carries it over. Headers cannot carry it: a client can send any header.
 *
 * `X-Forwarded-For` is believed only when the socket peer is a configured proxy
 * (`app.trusted_proxies`); then the nearest address that is not itself a trusted proxy wins.
 */

const socketAddresses = new WeakMap<Request, string>();

/** Called by the listener with the socket peer of a request it accepted. */
export function rememberClientAddress(request: Request, address: string | undefined): Request {
  if (address) socketAddresses.set(request, address);
  return request;
}

/** Gives a request built for another the address of the original. */
export function carryClientAddress(from: Request, to: Request): Request {
  const address = socketAddresses.get(from);
  if (address) socketAddresses.set(to, address);
  return to;
}

/** An IPv4 peer of a dual-stack socket (::ffff:a.b.c.d) is the IPv4 address. */
const normalise = (address: string) =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/** The configured proxies (addresses or CIDR ranges) as a BlockList; bad entries are refused at config load. */
export function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.trim().split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

const isTrusted = (proxies: BlockList, address: string) => {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
};

/** The client address of a request; 'unknown' when the listener recorded none (a test calling app.handle). */
export function clientAddressOf(request: Request, proxies?: BlockList): string {
  const socket = socketAddresses.get(request);
  if (!socket) return 'unknown';
  let address = normalise(socket);
  if (!proxies || !isTrusted(proxies, address)) return address;
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => normalise(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    address = hops[index]!;
    if (!isTrusted(proxies, address)) return address;
  }
  return address;
}
