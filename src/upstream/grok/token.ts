/**
 * Operators paste sso tokens from browsers, spreadsheets and chat apps; those add prefixes,
 * trailing cookies, line breaks, zero-width characters and "smart" punctuation. The cleaned form
 * is what goes into the Cookie header (docs/upstream-protocol.md §4.2).
 */

export const MAX_TOKEN_BYTES = 16 * 1024;

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const SINGLE_QUOTES = /[\u2018-\u201B\u2032\u2035\uFF07]/g;
const DOUBLE_QUOTES = /[\u201C-\u201F\u2033\u2036\uFF02]/g;
// Whitespace, C0/C1 controls (CR, LF, NUL, tab…) and the invisible zero-width family.
const INVISIBLE = /[\s\u0000-\u001F\u007F-\u009F\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\uFEFF]/g;
const NON_ASCII = /[^\x21-\x7E]/g;

export function normalizeToken(raw: string): string | null {
  let token = raw.replace(INVISIBLE, '');
  if (token.toLowerCase().startsWith('sso=')) token = token.slice(4);
  const cookieEnd = token.indexOf(';');
  if (cookieEnd >= 0) token = token.slice(0, cookieEnd);
  token = token.replace(DASHES, '-').replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(NON_ASCII, '');
  if (token.length === 0 || token.length > MAX_TOKEN_BYTES) return null;
  return token;
}

/**
 * Why `raw` cannot be a token an operator meant to import, or null when it can. Stricter than
 * normalizeToken, which cleans what a browser or chat app adds: words separated by spaces or
 * tabs, or letters outside ASCII, are not a token with stray characters but not a token at all.
 */
export function tokenSyntaxProblem(raw: string): string | null {
  let value = raw
    .replace(/[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\uFEFF]/g, '')
    .trim();
  if (value.toLowerCase().startsWith('sso=')) value = value.slice(4);
  const cookieEnd = value.indexOf(';');
  if (cookieEnd >= 0) value = value.slice(0, cookieEnd);
  value = value.replace(DASHES, '-').replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').trim();
  if (value === '') return 'empty';
  if (/[ \t\u00A0\u3000]/.test(value)) return 'spaces inside the token';
  if (/[^\x21-\x7E]/.test(value)) return 'characters a token cannot hold';
  if (value.length > MAX_TOKEN_BYTES) return 'longer than 16 KiB';
  return null;
}
