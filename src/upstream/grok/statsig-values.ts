import { UpstreamError } from '../errors';

/**
 * The pure parts of `x-statsig-id` (docs/upstream-protocol.md §4.4): the legacy
 * fabricated value, the 70-byte shape check of the current release, and reading the page's
 * verification meta tag that signer mode needs.
 */

export const STATSIG_BYTES = 70;

const STATIC_LEGACY_TEXT = "e:TypeError: Cannot read properties of undefined (reading 'childNodes')";
/** Encoded once: it is sent on every request when dynamic values are off. */
const STATIC_LEGACY_VALUE = Buffer.from(STATIC_LEGACY_TEXT, 'utf8').toString('base64');

function randomCharacters(alphabet: string, length: number, random: () => number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** The P1 fabricated value: base64 of a fake JavaScript error message. */
export function legacyStatsigValue(dynamic: boolean, random: () => number = Math.random): string {
  if (!dynamic) return STATIC_LEGACY_VALUE;
  const text =
    random() < 0.5
      ? `e:TypeError: Cannot read properties of null (reading 'children['${randomCharacters('abcdefghijklmnopqrstuvwxyz0123456789', 5, random)}']')`
      : `e:TypeError: Cannot read properties of undefined (reading '${randomCharacters('abcdefghijklmnopqrstuvwxyz', 10, random)}')`;
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Decoded length of standard base64 (padded or not); null when it is not valid base64. */
export function decodedBase64Length(value: string): number | null {
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(value);
  if (!match) return null;
  const [, body, padding] = match;
  if (padding && (body.length + padding.length) % 4 !== 0) return null;
  if (body.length % 4 === 1) return null;
  return Math.floor((body.length * 3) / 4);
}

/** Throws a configuration error naming `key` unless `value` decodes to the browser's 70 bytes. */
export function checkStatsigShape(value: string, key: string): string {
  const trimmed = value.trim();
  const length = decodedBase64Length(trimmed);
  if (length !== STATSIG_BYTES) {
    throw new UpstreamError({
      code: 'configuration',
      message: `${key} must be base64 of exactly ${STATSIG_BYTES} bytes (got ${length === null ? 'invalid base64' : `${length} bytes`})`,
      retryable: false,
      accountEffect: 'none',
    });
  }
  return trimmed;
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/** The `content` of `<meta name="grok-site-verification">`, or null. */
export function extractVerificationMeta(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    const attributes = new Map<string, string>();
    for (const attribute of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
      attributes.set(attribute[1].toLowerCase(), attribute[2] ?? attribute[3] ?? attribute[4] ?? '');
    }
    const name = (attributes.get('name') ?? '').replace(DASHES, '-').trim().toLowerCase();
    const content = attributes.get('content');
    if (name === 'grok-site-verification' && content) return content;
  }
  return null;
}
