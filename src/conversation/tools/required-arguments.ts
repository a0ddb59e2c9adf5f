import type { FunctionTool } from './active-tools';

/**
 * The required top-level fields of each declared tool's JSON schema. A call whose arguments miss
 * one is not a valid call: handing it to the client would make it run a tool with half its
 * input, so the block stays visible as text instead (and a forced tool choice retries).
 */
export type RequiredArguments = ReadonlyMap<string, readonly string[]>;

export const requiredArgumentsOf = (tools: readonly FunctionTool[]): RequiredArguments => {
  const required = new Map<string, string[]>();
  for (const tool of tools) {
    const list = (tool.function.parameters as { required?: unknown } | null | undefined)?.required;
    if (Array.isArray(list))
      required.set(
        tool.function.name,
        list.filter((field): field is string => typeof field === 'string'),
      );
  }
  return required;
};

/** The required fields `argumentsJson` lacks; every field when it is not a JSON object. */
export const missingRequired = (
  name: string,
  argumentsJson: string,
  required: RequiredArguments | undefined,
): string[] => {
  const fields = required?.get(name) ?? [];
  if (fields.length === 0) return [];
  let value: unknown;
  try {
    value = JSON.parse(argumentsJson);
  } catch {
    return [...fields];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...fields];
  return fields.filter((field) => !(field in value));
};
