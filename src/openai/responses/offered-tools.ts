import { createHash } from 'node:crypto';
import { noteIgnored } from '../../logging/request-context';
import { invalidRequest } from '../errors';
import type { ToolDefinition } from '../chat/request-schema';
import { TOOL_NAME_PATTERN } from '../chat/validate-tools';
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
}

const BUILT_IN_SEARCH = /^web_search/;
/** Hosted tools that run on OpenAI's side; Grok has no equivalent a client could rely on. */
const HOSTED = /^(file_search|code_interpreter|image_generation|mcp|computer_use|computer|tool_search|apply_patch|shell)/;

export const LOCAL_SHELL_NAME = 'local_shell';

/** OpenAI documents the local_shell action as an `exec` with these fields. */
const LOCAL_SHELL_PARAMETERS = {
  type: 'object',
  properties: {
    command: { type: 'array', items: { type: 'string' }, description: 'The program and its arguments, e.g. ["bash","-lc","ls"].' },
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

const checkObjectSchema = (parameters: Record<string, unknown> | null | undefined, param: string): void => {
  if (parameters && parameters.type !== undefined && parameters.type !== 'object') {
    throw invalidRequest("parameters must be a JSON schema with type 'object'", `${param}.parameters.type`, 'invalid_schema');
  }
};

class ToolCollector {
  readonly definitions: ToolDefinition[] = [];
  readonly origins = new Map<string, ToolOrigin>();
  /** Model-facing name → the request field that declared it, for error params. */
  readonly params: string[] = [];

  add(name: string | undefined, description: string | null | undefined, parameters: unknown, origin: ToolOrigin, param: string): void {
    this.definitions.push({ type: 'function', function: { name, description, parameters: parameters as Record<string, unknown> | null | undefined } });
    this.params.push(param);
    if (name) this.origins.set(name, origin);
  }

  member(tool: NamespaceMember, namespace: string, namespaceDescription: string | null | undefined, param: string): void {
    if (!tool.name) throw invalidRequest('Each tool in a namespace must have a name', `${param}.name`, 'missing_function_name');
    if (!TOOL_NAME_PATTERN.test(tool.name)) {
      throw invalidRequest(`Tool name '${tool.name}' is invalid: it must match ${TOOL_NAME_PATTERN.source}`, `${param}.name`, 'invalid_function_name');
    }
    const flat = namespacedName(namespace, tool.name);
    // The model sees each tool alone, so it gets the namespace's description as context.
    const description = [namespaceDescription ? `(${namespace}: ${namespaceDescription.trim()})` : '', tool.description?.trim() ?? '']
      .filter(Boolean)
      .join(' ');
    if (tool.type === 'custom') {
      this.add(flat, description, customParameters(tool.format), { kind: 'custom', name: tool.name, namespace }, param);
      return;
    }
    checkObjectSchema(tool.parameters, param);
    this.add(flat, description, tool.parameters, { kind: 'function', name: tool.name, namespace }, param);
  }
}

const offerOne = (collector: ToolCollector, tool: ResponsesTool, index: number): void => {
  const param = `tools.${index}`;
  if (tool.type === 'function') {
    const fields = tool.function ?? tool;
    checkObjectSchema(fields.parameters, param);
    collector.add(fields.name, fields.description, fields.parameters, { kind: 'function', name: fields.name ?? '' }, param);
  } else if (tool.type === 'custom') {
    collector.add(tool.name, tool.description, customParameters(tool.format), { kind: 'custom', name: tool.name ?? '' }, param);
  } else if (tool.type === 'local_shell') {
    collector.add(LOCAL_SHELL_NAME, 'Runs a shell command on the user\'s machine and returns its output.', LOCAL_SHELL_PARAMETERS, { kind: 'local_shell' }, param);
  } else if (tool.type === 'namespace') {
    const namespace = tool.name ?? '';
    if (!namespace) throw invalidRequest('A namespace tool must have a name', `${param}.name`, 'missing_namespace_name');
    (tool.tools ?? []).forEach((member, inner) => collector.member(member, namespace, tool.description, `${param}.tools.${inner}`));
    noteIgnored(`tools[${index}] namespace ${namespace} flattened`);
  } else if (BUILT_IN_SEARCH.test(tool.type)) {
    // Served by Grok's own web search.
  } else if (HOSTED.test(tool.type)) {
    noteIgnored(`tools[${index}] ${tool.type}${tool.server_label ? ` ${tool.server_label}` : ''} dropped`);
  } else {
    noteIgnored(`tools[${index}] ${tool.type} dropped`);
  }
};

export function offeredTools(tools: ResponsesTool[] | undefined): OfferedTools & { params: string[] } {
  const collector = new ToolCollector();
  (tools ?? []).forEach((tool, index) => offerOne(collector, tool, index));
  return { definitions: collector.definitions, origins: collector.origins, params: collector.params };
}
