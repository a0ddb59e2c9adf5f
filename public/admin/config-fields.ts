import { t } from '../common/i18n';
import type { KeySchema } from './api-types';

/**
 * One config key as a form field, drawn from its JSON schema: a checkbox, a choice, a number, a
 * list (one per line) or text. A field remembers what it showed (`data-original`), so only
 * changed keys are sent.
 */

export type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export const choicesOf = (schema: KeySchema): unknown[] | null =>
  Array.isArray(schema.anyOf) && schema.anyOf.every((option) => 'const' in option)
    ? schema.anyOf.map((option) => option.const)
    : null;

const isStringOrList = (schema: KeySchema) =>
  Array.isArray(schema.anyOf) &&
  schema.anyOf.some((option) => option.type === 'array') &&
  schema.anyOf.some((option) => option.type === 'string');

export const serialise = (input: Field): string =>
  input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;

function fieldFor(schema: KeySchema, value: unknown): Field {
  const choices = choicesOf(schema);
  if (schema.type === 'boolean') {
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.checked = Boolean(value);
    return input;
  }
  if (choices) {
    const select = document.createElement('select');
    for (const choice of choices) select.append(new Option(String(choice), String(choice), false, choice === value));
    return select;
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = schema.type === 'integer' ? '1' : 'any';
    if (schema.minimum !== undefined) input.min = String(schema.minimum);
    if (schema.maximum !== undefined) input.max = String(schema.maximum);
    input.value = String(value);
    return input;
  }
  if (schema.type === 'array') {
    const area = document.createElement('textarea');
    area.rows = 3;
    area.value = ((value as string[] | undefined) || []).join('\n');
    return area;
  }
  if (schema.type === 'string' || isStringOrList(schema)) {
    const input = document.createElement('input');
    input.value = Array.isArray(value) ? value.join(',') : String(value ?? '');
    input.autocomplete = 'off';
    input.spellcheck = false;
    return input;
  }
  const area = document.createElement('textarea');
  area.value = JSON.stringify(value);
  return area;
}

export function inputFor(section: string, key: string, schema: KeySchema, value: unknown): Field {
  const input = fieldFor(schema, value);
  input.id = `config-${section}-${key}`;
  input.dataset.section = section;
  input.dataset.key = key;
  input.dataset.original = serialise(input);
  return input;
}

/** The field's value as the API takes it. */
export function parse(input: Field, schema: KeySchema): unknown {
  if (input instanceof HTMLInputElement && input.type === 'checkbox') return input.checked;
  if (input instanceof HTMLInputElement && input.type === 'number')
    return input.value === '' ? input.value : Number(input.value);
  if (schema.type === 'array')
    return input.value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  if (schema.type === 'string' || isStringOrList(schema) || choicesOf(schema)) return input.value;
  try {
    return JSON.parse(input.value);
  } catch {
    return input.value;
  }
}

/** What is wrong with `value` for `schema`, in the reader's language, or '' (the server checks again). */
export function problemOf(value: unknown, schema: KeySchema): string {
  if (schema.type === 'integer' || schema.type === 'number') {
    if (value === '' || typeof value !== 'number' || Number.isNaN(value)) return t('invalidNumber');
    if (schema.type === 'integer' && !Number.isInteger(value)) return t('invalidInteger');
    if (schema.minimum !== undefined && value < schema.minimum) return t('invalidMinimum', { n: schema.minimum });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      return t('invalidAbove', { n: schema.exclusiveMinimum });
    if (schema.maximum !== undefined && value > schema.maximum) return t('invalidMaximum', { n: schema.maximum });
  }
  return '';
}

/** `admin_session_hours` → "Admin session hours"; the key itself stays beside it for the TOML file. */
export function humanise(name: string): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/\burl\b/g, 'URL')
    .replace(/\bapi\b/g, 'API')
    .replace(/\bcf\b/g, 'CF')
    .replace(/\bnsfw\b/g, 'NSFW');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
