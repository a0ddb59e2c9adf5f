import { noteIgnored } from '../logging/request-context';
import { invalidRequest } from '../http/errors';
import { classifyMediaValue } from '../conversation/media-value';
import type { ContentPart } from '../conversation/message-model';
import type { BlockSource, ContentBlock } from './request-schema';

/**
 * The content blocks that carry documents, search results and the results of Anthropic's
 * server-side tools, read into text and attachments for the flattened conversation. Blocks nested
 * in `tool_result`, `search_result` or `content` documents come untyped from the schema and are
 * checked here, naming the failing field (`messages.1.content.0.content.2.type`).
 */

type Source = typeof BlockSource.static;
type Block = Record<string, unknown>;

/** Longest text a server tool result (a search listing, an execution log) contributes. */
const SERVER_RESULT_CHARS = 4000;

const stringField = (block: Block, key: string): string | undefined =>
  typeof block[key] === 'string' ? (block[key] as string) : undefined;

const sourceValue = (source: Source, param: string): string | null => {
  if (source.type === 'base64') {
    if (!source.media_type || !source.data) {
      throw invalidRequest('base64 sources need media_type and data', `${param}.source`, 'invalid_media');
    }
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (source.type === 'url') {
    if (!source.url || classifyMediaValue(source.url) !== 'url') {
      throw invalidRequest('url sources need an http(s) url', `${param}.source.url`, 'invalid_media');
    }
    return source.url;
  }
  if (source.type === 'file') {
    // Anthropic's Files API: we hold no such files.
    noteIgnored(`${param} file source${source.file_id ? ` ${source.file_id}` : ''} dropped (Files API not available)`);
    return null;
  }
  throw invalidRequest("source.type must be 'base64', 'url' or 'file'", `${param}.source.type`, 'invalid_media');
};

const objectSource = (block: Block, param: string): Source => {
  const source = block.source;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw invalidRequest('source must be an object', `${param}.source`, 'invalid_media');
  }
  return source as Source;
};

export const imagePart = (block: Block, param: string): ContentPart[] => {
  const url = sourceValue(objectSource(block, param), param);
  return url === null ? [] : [{ type: 'image_url', image_url: { url } }];
};

/** Text of `text` blocks in a list (documents with a `content` source, search results). */
const textsOf = (value: unknown, param: string): string[] => {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.flatMap((inner, index) => {
    const block = asBlock(inner, `${param}.${index}`);
    return typeof block.text === 'string' ? [block.text] : [];
  });
};

export const documentParts = (block: Block, param: string): ContentPart[] => {
  const source = objectSource(block, param);
  const title = stringField(block, 'title');
  const heading = title ? `Document: ${title}\n` : '';
  if (source.type === 'text') return [{ type: 'text', text: heading + (source.data ?? '') }];
  if (source.type === 'content') {
    return [{ type: 'text', text: heading + textsOf(source.content, `${param}.source.content`).join('\n') }];
  }
  const file_data = sourceValue(source, param);
  if (file_data === null) return [];
  return [{ type: 'file', file: title ? { file_data, filename: title } : { file_data } }];
};

/** A `search_result` block (RAG results the client supplies), as one text with its source. */
export const searchResultText = (block: Block, param: string): string => {
  const title = stringField(block, 'title') ?? '';
  const source = typeof block.source === 'string' ? block.source : '';
  const heading = [title, source ? `(${source})` : ''].filter(Boolean).join(' ');
  return [`Search result: ${heading}`.trimEnd(), ...textsOf(block.content, `${param}.content`)].join('\n');
};

export const asBlock = (value: unknown, param: string): Block & { type: string } => {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject || typeof (value as Block).type !== 'string') {
    throw invalidRequest('each content block must be an object with a string type', `${param}.type`, 'invalid_type');
  }
  return value as Block & { type: string };
};

/** `tool_result` content: text for the tool message, media as attachments. */
export const toolResultContent = (block: ContentBlock, param: string): { text: string; media: ContentPart[] } => {
  const content = block.content ?? '';
  if (typeof content === 'string') return { text: content, media: [] };
  if (!Array.isArray(content)) {
    const message = 'tool_result content must be a string or a list of blocks';
    throw invalidRequest(message, `${param}.content`, 'invalid_type');
  }
  const texts: string[] = [];
  const media: ContentPart[] = [];
  content.forEach((value, index) => {
    const at = `${param}.content.${index}`;
    const inner = asBlock(value, at);
    if (inner.type === 'text') texts.push(stringField(inner, 'text') ?? '');
    else if (inner.type === 'image') media.push(...imagePart(inner, at));
    else if (inner.type === 'document') {
      for (const part of documentParts(inner, at)) {
        if (part.type === 'text') texts.push(part.text ?? '');
        else media.push(part);
      }
    } else if (inner.type === 'search_result') texts.push(searchResultText(inner, at));
    else if (inner.type === 'tool_reference') texts.push(`Tool loaded: ${stringField(inner, 'tool_name') ?? ''}`);
    else if (typeof inner.text === 'string') texts.push(inner.text);
    else noteIgnored(`${at} ${inner.type} dropped`);
  });
  return { text: texts.join('\n'), media };
};

/**
 * Deferred tools (`defer_loading`) a client's tool search has loaded: the `tool_reference` blocks
 * in tool results, and tools the assistant already called.
 */
export const loadedToolNames = (messages: readonly { role: string; content: unknown }[]): Set<string> => {
  const names = new Set<string>();
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Block[]) {
      if (block?.type === 'tool_use' && typeof block.name === 'string') names.add(block.name);
      if (block?.type !== 'tool_result' || !Array.isArray(block.content)) continue;
      for (const inner of block.content as Block[]) {
        if (inner?.type === 'tool_reference' && typeof inner.tool_name === 'string') names.add(inner.tool_name);
      }
    }
  }
  return names;
};

const clip = (text: string): string =>
  text.length > SERVER_RESULT_CHARS ? `${text.slice(0, SERVER_RESULT_CHARS)}…` : text;

/** A web search listing as title and URL lines; an error object as its code. */
const serverResultBody = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((item) => {
        if (typeof item !== 'object' || item === null) return String(item);
        const entry = item as Block;
        if (typeof entry.url === 'string') return `- ${stringField(entry, 'title') ?? entry.url} (${entry.url})`;
        if (typeof entry.text === 'string') return entry.text;
        return JSON.stringify(entry);
      })
      .join('\n');
  }
  if (typeof content === 'object' && content !== null) {
    const result = content as Block;
    if (typeof result.error_code === 'string') return `error: ${result.error_code}`;
    return JSON.stringify(result);
  }
  return '';
};

/**
 * Server-side tool calls and results sent back as history (`server_tool_use`,
 * `web_search_tool_result`, `mcp_tool_use`, `code_execution_tool_result`...): the model sees what
 * was searched or run and what came back, as plain lines; null for other block types.
 */
export const serverToolText = (block: ContentBlock): string | null => {
  if (block.type === 'server_tool_use' || block.type === 'mcp_tool_use') {
    return `[${block.name ?? 'server_tool'} call] ${JSON.stringify(block.input ?? {})}`;
  }
  if (block.type?.endsWith('_tool_result')) {
    return clip(`[${block.type}]\n${serverResultBody(block.content)}`.trimEnd());
  }
  return null;
};
