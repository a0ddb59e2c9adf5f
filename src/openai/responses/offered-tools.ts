import { createHash } from 'node:crypto';
import { noteIgnored } from '../../logging/request-context';
import { invalidRequest } from '../../http/errors';
import type { ToolDefinition } from '../chat/request-schema';
import { TOOL_NAME_PATTERN } from '../../conversation/tools/validate-tools';
import type { NamespaceMember, ResponsesTool } from './request-schema';

/**
 * The Responses API's tool families, reduced to the function tools the emulation can offer the
 * model. Each offered name remembers what the client declared, so a call comes back in the
 * client's own item type: `function_call` (with `namespace` for a tool inside a namespace, as
 * Codex CLI reads it), `custom_tool_call` with the free-form `input`, or `local_shell_call`
 * with an `exec` action. Hosted tools Grok cannot run are dropped and noted in the
 * `x-grok2api-ignored` header; web search is Grok's own and needs no tool.
 */

export type ToolOrigin =
  | { kind: 'function'; name: string; namespace?: string }
  | { kind: 'custom'; name: string; namespace?: string }
  | { kind: 'local_shell' };

export interface OfferedTools {
  definitions: ToolDefinition[];
  /** Model-facing name → what the client declared. */
  origins: Map<string, ToolOrigin>;
  /** By offered index: the request field that declared each tool, for error params. */
  params: string[];
}

const BUILT_IN_SEARCH = /^web_search/;

export const LOCAL_SHELL_NAME = 'local_shell';

/** OpenAI documents the local_shell action as an `exec` with these fields. */
const LOCAL_SHELL_PARAMETERS = {
  type: 'object',
  properties: {
    command: {
      type: 'array',
      items: { type: 'string' },
      description: 'The program and its arguments, e.g. ["bash","-lc","ls"].',
    },
    timeout_ms: { type: 'integer', description: 'Optional time limit in milliseconds.' },
    working_directory: { type: 'string', description: 'Optional directory to run in.' },
    env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Optional environment variables.' },
    user: { type: 'string', description: 'Optional user to run as.' },
  },
  required: ['command'],
};

const customParameters = (format: Record<string, unknown> | null | undefined) => {
  const grammar = format?.type === 'grammar' && typeof format.definition === 'string' ? format.definition : null;
  const description = grammar
    ? `The raw input, which must follow this ${String(format?.syntax ?? '')} grammar:\n${grammar}`
    : 'The raw free-form input for the tool.';
  return { type: 'object', properties: { input: { type: 'string', description } }, required: ['input'] };
};

/** Codex CLI's own flat spelling of a namespaced tool; shortened with a hash if it breaks the name rule. */
export const namespacedName = (namespace: string, name: string): string => {
  const joined = `${namespace.replace(/_+$/, '')}__${name.replace(/^_+/, '')}`;
  if (TOOL_NAME_PATTERN.test(joined)) return joined;
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${joined.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 55)}_${hash}`;
};

type Parameters = Record<string, unknown> | null | undefined;

const checkObjectSchema = (parameters: Parameters, param: string): void => {
  if (parameters && parameters.type !== undefined && parameters.type !== 'object') {
    const message = "parameters must be a JSON schema with type 'object'";
    throw invalidRequest(message, `${param}.parameters.type`, 'invalid_schema');
  }
};

const checkMemberName = (name: string | undefined, param: string): string => {
  if (!name) {
    throw invalidRequest('Each tool in a namespace must have a name', `${param}.name`, 'missing_function_name');
  }
  if (!TOOL_NAME_PATTERN.test(name)) {
    const message = `Tool name '${name}' is invalid: it must match ${TOOL_NAME_PATTERN.source}`;
    throw invalidRequest(message, `${param}.name`, 'invalid_function_name');
  }
  return name;
};

interface Offer {
  name: string | undefined;
  description: string | null | undefined;
  parameters: Parameters;
  origin: ToolOrigin;
  /** The request field that declared the tool, for error params. */
  param: string;
}

class ToolCollector {
  readonly definitions: ToolDefinition[] = [];
  readonly origins = new Map<string, ToolOrigin>();
  /** By offered index: the request field that declared each tool. */
  readonly params: string[] = [];

  add({ name, description, parameters, origin, param }: Offer): void {
    this.definitions.push({ type: 'function', function: { name, description, parameters } });
    this.params.push(param);
    if (name) this.origins.set(name, origin);
  }

  namespace(tool: ResponsesTool, param: string): string {
    const namespace = tool.name ?? '';
    if (!namespace) {
      throw invalidRequest('A namespace tool must have a name', `${param}.name`, 'missing_namespace_name');
    }
    // The model sees each tool alone, so it gets the namespace's description as context.
    const context = tool.description ? `(${namespace}: ${tool.description.trim()})` : '';
    (tool.tools ?? []).forEach((member, inner) => this.member(member, namespace, context, `${param}.tools.${inner}`));
    return namespace;
  }

  private member(tool: NamespaceMember, namespace: string, context: string, param: string): void {
    const name = checkMemberName(tool.name, param);
    const flat = namespacedName(namespace, name);
    const description = [context, tool.description?.trim() ?? ''].filter(Boolean).join(' ');
    if (tool.type === 'custom') {
      const origin: ToolOrigin = { kind: 'custom', name, namespace };
      this.add({ name: flat, description, parameters: customParameters(tool.format), origin, param });
      return;
    }
    checkObjectSchema(tool.parameters, param);
    const origin: ToolOrigin = { kind: 'function', name, namespace };
    this.add({ name: flat, description, parameters: tool.parameters, origin, param });
  }
}

const LOCAL_SHELL_DESCRIPTION = "Runs a shell command on the user's machine and returns its output.";

/**
 * Hosted tools the Python grok2api offered as plain function tools (docs/python-compatibility.md
 * §1.3): the model may call them and the call is returned as a `function_call` for the client
 * to serve; nothing runs on the gateway.
 */
const HOSTED_AS_FUNCTIONS: Record<string, { description: string; parameters: Parameters }> = {
  file_search: {
    description: "Searches the user's files for passages relevant to the query.",
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
  code_interpreter: {
    description: 'Runs Python code and returns its output.',
    parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
  },
};

const offerOne = (collector: ToolCollector, tool: ResponsesTool, index: number): void => {
  const param = `tools.${index}`;
  if (tool.type === 'function') {
    const { name, description, parameters } = tool.function ?? tool;
    checkObjectSchema(parameters, param);
    collector.add({ name, description, parameters, origin: { kind: 'function', name: name ?? '' }, param });
  } else if (tool.type === 'custom') {
    const origin: ToolOrigin = { kind: 'custom', name: tool.name ?? '' };
    const parameters = customParameters(tool.format);
    collector.add({ name: tool.name, description: tool.description, parameters, origin, param });
  } else if (tool.type === 'local_shell') {
    const origin: ToolOrigin = { kind: 'local_shell' };
    const parameters = LOCAL_SHELL_PARAMETERS;
    collector.add({ name: LOCAL_SHELL_NAME, description: LOCAL_SHELL_DESCRIPTION, parameters, origin, param });
  } else if (tool.type === 'namespace') {
    const namespace = collector.namespace(tool, param);
    noteIgnored(`tools[${index}] namespace ${namespace} flattened`);
  } else if (BUILT_IN_SEARCH.test(tool.type)) {
    // Served by Grok's own web search.
  } else if (HOSTED_AS_FUNCTIONS[tool.type]) {
    const { description, parameters } = HOSTED_AS_FUNCTIONS[tool.type]!;
    collector.add({ name: tool.type, description, parameters, origin: { kind: 'function', name: tool.type }, param });
    noteIgnored(`tools[${index}] ${tool.type} offered as a function tool`);
  } else {
    // Hosted tools (and types newer than this gateway) have no client-side shape to emulate.
    noteIgnored(`tools[${index}] ${tool.type}${tool.server_label ? ` ${tool.server_label}` : ''} dropped`);
  }
};

export function offeredTools(tools: ResponsesTool[] | undefined): OfferedTools {
  const collector = new ToolCollector();
  (tools ?? []).forEach((tool, index) => offerOne(collector, tool, index));
  return { definitions: collector.definitions, origins: collector.origins, params: collector.params };
}
