/**
 * Walks a parsed request body once and finds the first value past a limit: too many messages,
 * content parts or tools, an over-long string, an over-long array or a too-deep nesting. Pure, so
 * it is tested without a server; the walk is iterative, so a deep body cannot exhaust the stack.
 */

export interface StructureLimits {
  maxMessages: number;
  maxContentParts: number;
  maxTools: number;
  maxArrayItems: number;
  maxStringChars: number;
  maxDepth: number;
}

export interface StructureProblem {
  param: string;
  message: string;
}

/** Arrays whose name says what they hold get their own limit; any other array gets maxArrayItems. */
function arrayLimit(key: string, limits: StructureLimits): { limit: number; what: string } {
  if (key === 'messages' || key === 'input') return { limit: limits.maxMessages, what: 'messages' };
  if (key === 'content') return { limit: limits.maxContentParts, what: 'content parts' };
  if (key === 'tools' || key === 'functions') return { limit: limits.maxTools, what: 'tools' };
  return { limit: limits.maxArrayItems, what: 'items' };
}

function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function findOversizedValue(body: unknown, limits: StructureLimits): StructureProblem | null {
  const stack: { value: unknown; param: string; key: string; depth: number }[] = [
    { value: body, param: '', key: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, param, key, depth } = stack.pop()!;
    if (typeof value === 'string') {
      // data: URIs carry files; the body size limit bounds them, not the text limit.
      if (value.length > limits.maxStringChars && !value.startsWith('data:')) {
        return {
          param,
          message: `'${param || 'body'}' is ${value.length} characters long; at most ${limits.maxStringChars} are accepted.`,
        };
      }
      continue;
    }
    if (value === null || typeof value !== 'object' || value instanceof Blob) continue;
    if (depth > limits.maxDepth)
      return { param, message: `'${param || 'body'}' is nested deeper than ${limits.maxDepth} levels.` };
    if (Array.isArray(value)) {
      const { limit, what } = arrayLimit(key, limits);
      if (value.length > limit)
        return { param, message: `'${param}' has ${value.length} ${what}; at most ${limit} are accepted.` };
      for (let index = value.length - 1; index >= 0; index--)
        stack.push({ value: value[index], param: join(param, index), key: '', depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > limits.maxArrayItems)
      return {
        param,
        message: `'${param || 'body'}' has ${entries.length} fields; at most ${limits.maxArrayItems} are accepted.`,
      };
    for (let index = entries.length - 1; index >= 0; index--) {
      const [name, child] = entries[index]!;
      stack.push({ value: child, param: join(param, name), key: name, depth: depth + 1 });
    }
  }
  return null;
}
