import { Kind, type TSchema } from '@sinclair/typebox';

/**
 * Turns a key's schema into the words of an error message ("a number ≥ 0", "one of url,
 * base64"). TypeBox's own messages ("Expected union value") do not tell an operator what to
 * type.
 */

export interface Expectation {
  expected: string;
  allowed?: string[];
}

export function literalValues(schema: TSchema): string[] | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const members = schema.anyOf as TSchema[];
  if (!members.every((member) => member[Kind] === 'Literal')) return undefined;
  return members.map((member) => String(member.const));
}

function range(schema: TSchema): string {
  const bounds: string[] = [];
  if (typeof schema.minimum === 'number') bounds.push(`≥ ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') bounds.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === 'number') bounds.push(`≤ ${schema.maximum}`);
  return bounds.length > 0 ? ` ${bounds.join(' and ')}` : '';
}

export function describeSchema(schema: TSchema): Expectation {
  const allowed = literalValues(schema);
  if (allowed) return { expected: `one of ${allowed.join(', ')}`, allowed };
  switch (schema[Kind]) {
    case 'Boolean':
      return { expected: 'true or false' };
    case 'Integer':
      return { expected: `an integer${range(schema)}` };
    case 'Number':
      return { expected: `a number${range(schema)}` };
    case 'String':
      return { expected: 'a string' };
    case 'Array':
      return { expected: `an array of ${plural(describeSchema(schema.items as TSchema).expected)}` };
    case 'Union':
      return { expected: (schema.anyOf as TSchema[]).map((member) => describeSchema(member).expected).join(' or ') };
    case 'Object':
      return { expected: 'a table' };
    default:
      return { expected: 'a valid value' };
  }
}

const plural = (description: string) =>
  description.replace(/^an? (integer|number|string)/, (_, noun: string) => `${noun}s`);
