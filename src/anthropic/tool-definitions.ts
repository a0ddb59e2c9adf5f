import { noteIgnored } from '../logging/request-context';
import { invalidRequest } from '../http/errors';
import type { ToolChoice, ToolDefinition } from '../conversation/message-model';
import { loadedToolNames } from './history-blocks';
import type { AnthropicTool, CountTokensRequest } from './request-schema';

/**
 * Anthropic's tool list onto the conversation core's function tools.
 *
 * - Custom tools (no `type`, or `custom`) are function tools as they are.
 * - Anthropic-defined tools the client executes (`bash_*`, `text_editor_*`, `memory_*`,
 *   `computer_*`; matched by prefix so later versions keep working) carry no schema on the wire:
 *   the model is offered the input schema Anthropic documents for them, and a call comes back as a
 *   `tool_use` with the tool's name for the client (Claude Code, an SDK tool runner) to run.
 * - `web_search_*` is served by Grok's own web search, which the upstream runs by itself.
 * - Tools Anthropic runs on its servers (`web_fetch_*`, `code_execution_*`, MCP toolsets, tool
 *   search...) cannot run here: dropped, and the drop is reported (`x-grok2api-ignored`).
 * - `defer_loading` tools wait until the history loads them; a `tool_choice` that names a tool no
 *   longer offered falls back to auto (noted).
 */

type JsonSchema = Record<string, unknown>;

const string = (description: string): JsonSchema => ({ type: 'string', description });
const integer = (description: string): JsonSchema => ({ type: 'integer', description });
const lineRange: JsonSchema = {
  type: 'array',
  items: { type: 'integer' },
  minItems: 2,
  maxItems: 2,
  description: 'Optional [start, end] line numbers (1-based, end -1 = to the end) when viewing a file',
};

const bashSchema: JsonSchema = {
  type: 'object',
  properties: {
    command: string('The bash command to run'),
    restart: { type: 'boolean', description: 'Set to true to restart the bash session instead of running a command' },
  },
};

const textEditorSchema = (withUndo: boolean): JsonSchema => ({
  type: 'object',
  properties: {
    command: {
      type: 'string',
      enum: ['view', 'create', 'str_replace', 'insert', ...(withUndo ? ['undo_edit'] : [])],
      description: 'The editing command to run',
    },
    path: string('Absolute path of the file or directory'),
    file_text: string('create: the content of the new file'),
    old_str: string('str_replace: the exact text to replace (must occur once)'),
    new_str: string('str_replace: the replacement; insert: the text to insert'),
    insert_line: integer('insert: the line after which to insert (0 = start of the file)'),
    view_range: lineRange,
  },
  required: ['command', 'path'],
});

const memorySchema: JsonSchema = {
  type: 'object',
  properties: {
    command: {
      type: 'string',
      enum: ['view', 'create', 'str_replace', 'insert', 'delete', 'rename'],
      description: 'The memory command to run (paths live under /memories)',
    },
    path: string('Path of the memory file or directory'),
    view_range: lineRange,
    file_text: string('create: the content of the new file'),
    old_str: string('str_replace: the exact text to replace'),
    new_str: string('str_replace: the replacement'),
    insert_line: integer('insert: the line after which to insert'),
    insert_text: string('insert: the text to insert'),
    old_path: string('rename: the current path'),
    new_path: string('rename: the new path'),
  },
  required: ['command'],
};

const point = (description: string): JsonSchema => ({
  type: 'array',
  items: { type: 'integer' },
  minItems: 2,
  maxItems: 2,
  description,
});

const computerSchema: JsonSchema = {
  type: 'object',
  properties: {
    action: string(
      'screenshot, left_click, right_click, middle_click, double_click, triple_click, mouse_move, ' +
        'left_click_drag, left_mouse_down, left_mouse_up, type, key, hold_key, scroll, wait, cursor_position or zoom',
    ),
    coordinate: point('[x, y] on the screen'),
    start_coordinate: point('left_click_drag: [x, y] start'),
    text: string('type: the text; key/hold_key: the key combination'),
    scroll_direction: { type: 'string', enum: ['up', 'down', 'left', 'right'] },
    scroll_amount: integer('scroll: how many clicks'),
    duration: { type: 'number', description: 'hold_key/wait: seconds' },
  },
  required: ['action'],
};

interface ClientToolFamily {
  prefix: string;
  /** The name Anthropic gives the tool; the request's own `name` wins when present. */
  name: string;
  description: string;
  schema: (type: string) => JsonSchema;
}

/** Client-executed tool families, by type prefix. */
const CLIENT_TOOLS: readonly ClientToolFamily[] = [
  {
    prefix: 'bash_',
    name: 'bash',
    description: 'Run a command in a persistent bash shell and see its output.',
    schema: () => bashSchema,
  },
  {
    prefix: 'text_editor_',
    name: 'str_replace_based_edit_tool',
    description: 'View, create and edit text files.',
    // The 2024-10 and 2025-01 versions also had undo_edit.
    schema: (type) => textEditorSchema(/_2024|_202501/.test(type)),
  },
  {
    prefix: 'memory_',
    name: 'memory',
    description: 'Read and write your persistent memory files under /memories.',
    schema: () => memorySchema,
  },
  {
    prefix: 'computer_',
    name: 'computer',
    description: 'Control the computer: take screenshots, move and click the mouse, type.',
    schema: () => computerSchema,
  },
];

const SERVER_SEARCH_PREFIX = 'web_search_';

const clientTool = (tool: AnthropicTool, family: ClientToolFamily): ToolDefinition => ({
  type: 'function',
  function: {
    name: tool.name || family.name,
    description: tool.description ?? family.description,
    parameters: family.schema(tool.type!),
  },
});

const customTool = (tool: AnthropicTool, index: number): ToolDefinition => {
  if (tool.input_schema !== undefined && tool.input_schema.type !== 'object') {
    const param = `tools.${index}.input_schema.type`;
    throw invalidRequest("input_schema must be a JSON schema with type 'object'", param, 'invalid_schema');
  }
  const definition = { name: tool.name, description: tool.description, parameters: tool.input_schema };
  return { type: 'function', function: definition };
};

/** One Anthropic tool as a function tool, or null when it is served upstream or dropped (and noted). */
function toolDefinition(tool: AnthropicTool, index: number): ToolDefinition | null {
  const type = tool.type ?? 'custom';
  if (type === 'custom') return customTool(tool, index);
  const family = CLIENT_TOOLS.find((candidate) => type.startsWith(candidate.prefix));
  if (family) return clientTool(tool, family);
  if (type.startsWith(SERVER_SEARCH_PREFIX)) {
    noteIgnored(`tools[${index}] ${type} served by Grok's own web search`);
    return null;
  }
  const named = tool.name ? ` ${tool.name}` : '';
  noteIgnored(`tools[${index}] ${type}${named} dropped (server-executed tool not available)`);
  return null;
}

interface KeptTools {
  tools: ToolDefinition[];
  /** For each kept tool, its index in the request (errors name the request's own index). */
  positions: number[];
  /** Names of the tools served upstream or dropped. */
  served: Set<string>;
}

/**
 * Function tools from the request's tools, with the request index of each (the others are served
 * upstream or dropped). A deferred tool is offered once the history loaded it, as Anthropic does.
 */
export const keptTools = (body: CountTokensRequest): KeptTools => {
  const tools: ToolDefinition[] = [];
  const positions: number[] = [];
  const served = new Set<string>();
  const loaded = loadedToolNames(body.messages);
  if (body.tool_choice?.name) loaded.add(body.tool_choice.name);
  (body.tools ?? []).forEach((tool, index) => {
    if (tool.defer_loading === true && !(tool.name && loaded.has(tool.name))) return;
    const definition = toolDefinition(tool, index);
    if (definition) {
      tools.push(definition);
      positions.push(index);
    } else if (tool.name) served.add(tool.name);
  });
  return { tools, positions, served };
};

/**
 * A tool_choice that can no longer apply once tools were served upstream or dropped (it names one
 * of them, or asks for any tool when none is left) falls back to auto, noted.
 */
export const applicableChoice = (
  choice: ToolChoice | undefined,
  tools: ToolDefinition[],
  served: Set<string>,
): ToolChoice | undefined => {
  const named = typeof choice === 'object' ? choice.function?.name : undefined;
  if (named !== undefined && served.has(named) && !tools.some((tool) => tool.function?.name === named)) {
    noteIgnored(`tool_choice ${named} ignored (that tool is not offered to the model)`);
    return undefined;
  }
  if (choice === 'required' && tools.length === 0 && served.size > 0) {
    noteIgnored('tool_choice any ignored (no client tool left)');
    return undefined;
  }
  return choice;
};

/** `mcp_servers` ask Anthropic to connect to MCP servers on the client's behalf; we cannot. */
export function noteMcpServers(servers: unknown): void {
  if (!Array.isArray(servers) || servers.length === 0) return;
  const names = servers
    .map((server) => (server as { name?: unknown })?.name)
    .filter((name) => typeof name === 'string');
  noteIgnored(`mcp_servers ${names.join(',') || servers.length} dropped (MCP connector not available)`);
}
