/**
 * Models write JSON the way people do: inside Markdown fences, with a sentence around it, with a
 * trailing comma, or cut off before the last brace. Rejecting such a call would turn a clear
 * intent into stray text, so the tool-call parser repairs these slips
 * (docs/upstream-protocol.md §10.6) before giving up.
 */

export type JsonObject = Record<string, unknown>;

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const tryParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const stripCodeFences = (text: string): string => text.replace(/```[A-Za-z0-9_-]*/g, '');

/** From the first `{` to the last `}`, or to the end when the closing braces are missing. */
const outerObject = (text: string): string | undefined => {
  const start = text.indexOf('{');
  if (start === -1) return undefined;
  const end = text.lastIndexOf('}');
  return end > start ? text.slice(start, end + 1) : text.slice(start);
};

const nextSignificant = (text: string, from: number): string => {
  let index = from;
  while (index < text.length && /\s/.test(text[index]!)) index++;
  return text[index] ?? '';
};

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One string-aware pass: raw line breaks inside strings become escapes, commas directly before
 * a closing bracket are dropped, and whatever strings and brackets are still open at the end are
 * closed in order.
 */
const closeAndClean = (text: string): string => {
  let output = '';
  const openBrackets: string[] = [];
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      output += CONTROL_ESCAPES[char] ?? char;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') openBrackets.push('}');
    else if (char === '[') openBrackets.push(']');
    else if (char === '}' || char === ']') openBrackets.pop();
    else if (char === ',' && /[}\]]/.test(nextSignificant(text, index + 1))) continue;
    output += char;
  }
  if (escaped) output = output.slice(0, -1);
  if (inString) output += '"';
  // A cut-off text may end right after a comma or a key's colon; neither can be completed.
  output = output.replace(/,\s*$/, '');
  return output + openBrackets.reverse().join('');
};

/** The JSON object in `text`, repaired if needed; undefined when there is none. */
export const parseLenientObject = (text: string): JsonObject | undefined => {
  const strict = tryParse(text.trim());
  if (isJsonObject(strict)) return strict;
  const candidate = outerObject(stripCodeFences(text));
  if (candidate === undefined) return undefined;
  const repaired = tryParse(closeAndClean(candidate));
  return isJsonObject(repaired) ? repaired : undefined;
};
