import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseJson } from './json';

/**
 * Server-side tool calls Grok reports while it works (web search, X search, agent chat…), read
 * from the `<xai:tool_usage_card>` markup or the structured `toolUsageCard` object, and summed up
 * in one line the way the reference shows them (docs/upstream-protocol.md §7.7, §10.7).
 */

export interface ToolCard {
  toolName: string;
  args: unknown;
  /** e.g. `[WebSearch] grok release`. */
  summary: string;
}

const AnyObject = Type.Record(Type.String(), Type.Unknown());

function textField(value: unknown, keys: readonly string[]): string | undefined {
  if (!Value.Check(AnyObject, value)) return undefined;
  for (const key of keys) {
    const field = value[key];
    if (typeof field === 'string' && field.trim()) return field.trim();
  }
  return undefined;
}

export function summarizeTool(toolName: string, args: unknown, rawArgs: string): string {
  switch (toolName) {
    case 'web_search':
      return `[WebSearch] ${textField(args, ['query', 'q']) ?? rawArgs}`.trim();
    case 'search_images':
    case 'image_search':
      return `[SearchImage] ${textField(args, ['image_description', 'description', 'query']) ?? rawArgs}`.trim();
    case 'chatroom_send':
      return `[AgentThink] ${textField(args, ['message']) ?? rawArgs}`.trim();
    default:
      return `${toolName} ${rawArgs}`.trim();
  }
}

function innerText(markup: string, element: string): string | undefined {
  const match = new RegExp(`<${element}(?:\\s[^>]*)?>([\\s\\S]*?)</${element}\\s*>`, 'i').exec(markup);
  return match?.[1];
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').trim();
}

/** The tool call inside one complete `<xai:tool_usage_card>…</xai:tool_usage_card>`. */
export function parseToolCardMarkup(markup: string): ToolCard | undefined {
  const name = innerText(markup, 'xai:tool_name');
  const toolName = name === undefined ? '' : stripCdata(name);
  if (!toolName) return undefined;
  const rawArgs = stripCdata(innerText(markup, 'xai:tool_args') ?? '');
  const parsed = rawArgs ? parseJson(rawArgs) : undefined;
  const args = parsed === undefined ? rawArgs : parsed;
  return { toolName, args, summary: summarizeTool(toolName, args, rawArgs) };
}

const ToolArguments = Type.Object({ args: Type.Unknown() });

/** `webSearch` → `web_search`, so both card forms share one vocabulary. */
function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The tool call in a structured card: `{"toolUsageCardId":"…","webSearch":{"args":{…}}}`. */
export function parseStructuredToolCard(card: Record<string, unknown>): ToolCard | undefined {
  for (const [key, value] of Object.entries(card)) {
    if (key === 'toolUsageCardId' || !Value.Check(ToolArguments, value)) continue;
    const explicitName = card.toolName;
    const toolName = typeof explicitName === 'string' && explicitName ? snakeCase(explicitName) : snakeCase(key);
    const rawArgs = JSON.stringify(value.args ?? {});
    return { toolName, args: value.args, summary: summarizeTool(toolName, value.args, rawArgs) };
  }
  return undefined;
}
