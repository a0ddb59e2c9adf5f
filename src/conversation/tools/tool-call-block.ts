import { parseLenientObject, type JsonObject } from './lenient-json';
import { missingRequired, type RequiredArguments } from './required-arguments';

/**
 * What counts as a tool-call block in model output and how one block's body becomes calls.
 * Shared by the whole-text parser and the streaming sieve so both accept exactly the same
 * blocks (docs/upstream-protocol.md §10.6).
 *
 * Two spellings are recognised: the one we ask for (Variant A, JSON inside `<tool_call>`), and
 * the XML list of the current upstream prompts (Variant B), because Grok was trained on both and
 * does not always follow the instruction it was given.
 */

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ParsedCall {
  name: string;
  /** A JSON text, as OpenAI's `function.arguments`. */
  arguments: string;
}

export type BlockVariant = 'single' | 'list';

export const OPENING_TAGS: Record<BlockVariant, string> = { single: '<tool_call>', list: '<tool_calls>' };
export const CLOSING_TAGS: Record<BlockVariant, string> = { single: '</tool_call>', list: '</tool_calls>' };
const VARIANTS: BlockVariant[] = ['single', 'list'];

/** Lower-cases A–Z only, so indexes in the result are indexes in the original. */
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** Case-insensitive (ASCII) position of `tag` in `text` from `from`, or -1. Only the searched part is copied. */
export const indexOfTag = (text: string, tag: string, from = 0): number => {
  const index = asciiLower(text.slice(from)).indexOf(tag);
  return index === -1 ? -1 : index + from;
};

export interface Opening {
  index: number;
  variant: BlockVariant;
  length: number;
}

/** The first opening tag at or after `from`. `<tool_call>` is not a prefix of `<tool_calls>`, so they never tie. */
export const findOpening = (text: string, from = 0): Opening | undefined => {
  let found: Opening | undefined;
  for (const variant of VARIANTS) {
    const index = indexOfTag(text, OPENING_TAGS[variant], from);
    if (index !== -1 && (found === undefined || index < found.index)) {
      found = { index, variant, length: OPENING_TAGS[variant].length };
    }
  }
  return found;
};

/** Length of the longest end of `text` that may grow into an opening tag. */
export const partialOpeningLength = (text: string): number => {
  const longest = Math.min(text.length, OPENING_TAGS.list.length - 1);
  for (let length = longest; length > 0; length--) {
    const tail = asciiLower(text.slice(text.length - length));
    if (VARIANTS.some((variant) => OPENING_TAGS[variant].startsWith(tail))) return length;
  }
  return 0;
};

const HTML_ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};
const unescapeHtml = (text: string): string =>
  text.replace(/&(?:quot|#39|apos|lt|gt|amp);/g, (entity) => HTML_ENTITIES[entity]!);

const serialiseArguments = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return '{}';
  if (typeof value === 'string') return value.trim() === '' ? '{}' : value;
  if (typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return undefined;
};

const nestedFunction = (object: JsonObject): JsonObject =>
  typeof object.function === 'object' && object.function !== null ? (object.function as JsonObject) : {};

/** `{"name","arguments"}`, tolerating the `parameters` and `function: {…}` spellings. */
const jsonCall = (body: string, declaredNames: string[]): ParsedCall | undefined => {
  const object = parseLenientObject(body);
  if (!object) return undefined;
  const inner = nestedFunction(object);
  const name = typeof object.name === 'string' ? object.name : inner.name;
  if (typeof name !== 'string' || !declaredNames.includes(name.trim())) return undefined;
  const rawArguments = object.arguments ?? object.parameters ?? inner.arguments ?? inner.parameters;
  const args = serialiseArguments(rawArguments);
  return args === undefined ? undefined : { name: name.trim(), arguments: args };
};

const xmlElement = (body: string, tag: string): string | undefined =>
  new RegExp(`<${tag}>([\\s\\S]*?)(?:</${tag}>|$)`, 'i').exec(body)?.[1];

/** `<tool_name>…</tool_name><parameters>{…}</parameters>`; parameters must be one JSON object. */
const xmlCall = (body: string, declaredNames: string[]): ParsedCall | undefined => {
  const rawName = xmlElement(body, 'tool_name');
  if (rawName === undefined) return jsonCall(body, declaredNames);
  const name = unescapeHtml(rawName).trim();
  if (!declaredNames.includes(name)) return undefined;
  const rawParameters = xmlElement(body, 'parameters');
  if (rawParameters === undefined || rawParameters.trim() === '') return { name, arguments: '{}' };
  const parameters = parseLenientObject(rawParameters) ?? parseLenientObject(unescapeHtml(rawParameters));
  return parameters ? { name, arguments: JSON.stringify(parameters) } : undefined;
};

/** The bodies of the `<tool_call>` children of a list; an unclosed child runs to the next one or the end. */
const listChildren = (body: string): string[] =>
  [...body.matchAll(/<tool_call>([\s\S]*?)(?=<\/tool_call>|<tool_call>|$)/gi)].map((match) => match[1]!);

/**
 * The calls in one block body, or undefined when the block is not a valid call. A list is valid
 * only as a whole: honouring half of a plan the model wrote as one unit could run the wrong half.
 */
export const parseBlockBody = (
  body: string,
  variant: BlockVariant,
  declaredNames: string[],
  required?: RequiredArguments,
): ParsedCall[] | undefined => {
  const complete = (call: ParsedCall | undefined) =>
    call && missingRequired(call.name, call.arguments, required).length === 0 ? call : undefined;
  if (variant === 'single') {
    const call = complete(jsonCall(body, declaredNames));
    return call ? [call] : undefined;
  }
  const children = listChildren(body);
  if (children.length === 0) return undefined;
  const calls = children.map((child) => complete(xmlCall(child, declaredNames)));
  return calls.every((call) => call !== undefined) ? (calls as ParsedCall[]) : undefined;
};

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** `call_` and 24 hex digits, the id shape OpenAI clients expect. */
export const newToolCallId = (): string => `call_${hex(crypto.getRandomValues(new Uint8Array(12)))}`;

export const toToolCall = (call: ParsedCall, id: string): ToolCall => ({
  id,
  type: 'function',
  function: { name: call.name, arguments: call.arguments },
});
