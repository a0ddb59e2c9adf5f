import { isIP } from 'node:net';

/**
 * Which addresses a user-supplied URL may reach. Anything that is not a public unicast address
 * (loopback, private, link-local, cloud metadata, CGNAT, multicast, reserved) is refused, so a
 * client cannot make the gateway probe its own network.
 */

const BLOCKED_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 CGNAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc0000200, 24], // 192.0.2/24 documentation
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 documentation
  [0xcb007100, 24], // 203.0.113/24 documentation
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved and broadcast
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => (value << 8) + Number(part), 0) >>> 0;
}

function isBlockedV4(address: string): boolean {
  const value = ipv4ToNumber(address);
  return BLOCKED_V4.some(([network, bits]) => value >>> (32 - bits) === network >>> (32 - bits));
}

function expandV6(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4ToNumber(text.slice(lastColon + 1));
    tailV4 = [v4 >>> 16, v4 & 0xffff];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined && missing !== 0) return null;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill('0'), ...tailGroups].map((group) =>
    parseInt(group || '0', 16),
  );
  if (tailV4.length) groups.splice(6, 2, ...tailV4);
  return groups.length === 8 ? groups : null;
}

function isBlockedV6(address: string): boolean {
  const groups = expandV6(address);
  if (!groups) return true;
  const [first] = groups as [number];
  const allZeroPrefix = groups.slice(0, 5).every((group) => group === 0);
  if (allZeroPrefix && groups[5] === 0xffff) {
    return isBlockedV4(`${groups[6]! >>> 8}.${groups[6]! & 0xff}.${groups[7]! >>> 8}.${groups[7]! & 0xff}`);
  }
  if (groups.slice(0, 6).every((group) => group === 0)) return true; // ::/96 IPv4-compatible (with :: and ::1)
  if (groups.slice(0, 4).every((group) => group === 0) && groups[4] === 0xffff && groups[5] === 0) return true; // ::ffff:0:0:0/96 SIIT
  if (first === 0x2002) return true; // 2002::/16 6to4 carries any IPv4 address, private ones too
  if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((first & 0xff00) === 0xff00) return true; // multicast
  if (first === 0x64 && groups[1] === 0xff9b) return true; // NAT64 can reach private v4
  if (first === 0x2001 && groups[1] === 0x0db8) return true; // documentation
  return false;
}

/** True when the gateway must not connect to this literal IP address. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isBlockedV4(address);
  if (family === 6) return isBlockedV6(address);
  return true;
}

/** Host names that never resolve to something a client may reach through us. */
export function isBlockedHostName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal');
}
