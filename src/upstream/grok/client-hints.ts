import type { HeaderList } from './header-list';

/**
 * Chromium client hints derived from the User-Agent (docs/upstream-protocol.md §4.6); none for
 * Firefox and Safari. The brand list is the one Chrome itself builds for that major version:
 * the "greased" brand, its version and the order of the three entries all follow from the major
 * version, so `Sec-Ch-Ua` agrees with the User-Agent and with a TLS profile of the same version.
 */

const GREASE_CHARACTERS = [' ', '(', ':', '-', '.', '/', ')', ';', '=', '?', '_'];
const GREASE_VERSIONS = ['8', '99', '24'];
// Where the greased brand, "Chromium" and the product brand go, chosen by major % 6.
const BRAND_ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** `"Chromium";v="146", "Not-A.Brand";v="24", "Google Chrome";v="146"` for Chrome 146. */
export function brandList(brand: string, major: number): string {
  const greased = {
    name: `Not${GREASE_CHARACTERS[major % 11]}A${GREASE_CHARACTERS[(major + 1) % 11]}Brand`,
    version: GREASE_VERSIONS[major % 3]!,
  };
  const order = BRAND_ORDERS[major % 6]!;
  const entries: { name: string; version: string }[] = [];
  entries[order[0]!] = greased;
  entries[order[1]!] = { name: 'Chromium', version: String(major) };
  entries[order[2]!] = { name: brand, version: String(major) };
  return entries.map((entry) => `"${entry.name}";v="${entry.version}"`).join(', ');
}

export interface ClientHints {
  /** sec-ch-ua, sec-ch-ua-mobile, sec-ch-ua-platform: what Chrome sends on every request. */
  lowEntropy: { brands: string; mobile: string; platform?: string };
  /** sec-ch-ua-arch, -bitness, -model: sent by the reference where it sends hints at all. */
  highEntropy: HeaderList;
}

export function clientHintsFor(userAgent: string): ClientHints | undefined {
  const chromeVersion = /(?:Chrome|Chromium|CriOS)\/(\d+)/.exec(userAgent);
  if (!chromeVersion || /Firefox\//.test(userAgent)) return undefined;
  const major = Number(chromeVersion[1]);
  const brand = /Edg(?:e|A|iOS)?\//.test(userAgent)
    ? 'Microsoft Edge'
    : /Chromium\//.test(userAgent)
      ? 'Chromium'
      : 'Google Chrome';
  const platform = detectPlatform(userAgent);
  const highEntropy: HeaderList = [];
  const arch = /\b(?:arm|aarch64)/i.test(userAgent)
    ? 'arm'
    : /x86_64|x64|Win64|WOW64|amd64|Intel/i.test(userAgent)
      ? 'x86'
      : undefined;
  if (arch) highEntropy.push(['sec-ch-ua-arch', `"${arch}"`], ['sec-ch-ua-bitness', '"64"']);
  highEntropy.push(['sec-ch-ua-model', '""']);
  return {
    lowEntropy: {
      brands: brandList(brand, major),
      mobile: /Mobile|Android|iPhone|iPad/.test(userAgent) ? '?1' : '?0',
      platform: platform ? `"${platform}"` : undefined,
    },
    highEntropy,
  };
}

/** Every hint as one list, in the order the legacy header set sends them. */
export function clientHints(userAgent: string): HeaderList {
  const hints = clientHintsFor(userAgent);
  if (!hints) return [];
  const list: HeaderList = [
    ['sec-ch-ua', hints.lowEntropy.brands],
    ['sec-ch-ua-mobile', hints.lowEntropy.mobile],
  ];
  if (hints.lowEntropy.platform) list.push(['sec-ch-ua-platform', hints.lowEntropy.platform]);
  return [...list, ...hints.highEntropy];
}

function detectPlatform(userAgent: string): string | undefined {
  if (/Android/.test(userAgent)) return 'Android';
  if (/iPhone|iPad|iPod|CriOS/.test(userAgent)) return 'iOS';
  if (/Windows/.test(userAgent)) return 'Windows';
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'macOS';
  if (/Linux|X11|CrOS/.test(userAgent)) return 'Linux';
  return undefined;
}
