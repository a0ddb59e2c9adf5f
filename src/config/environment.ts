import { Kind, type TSchema } from '@sinclair/typebox';
import { SECTION_NAMES, type SectionName } from './schema';
import { describeSchema, literalValues } from './describe-schema';
import type { ConfigIssue } from './errors';
import { type CodedWarning, codedWarning } from './coded-warning';
import { keySchema } from './validate';
import type { PlainObject } from './objects';

/**
 * Environment overrides: `GROK2API_<SECTION>_<KEY>` for every key, plus a few names older
 * deployments already use. Values are text, so each is coerced by its key's schema type; a value
 * that cannot be coerced is an issue (reported with the key and the variable), never ignored.
 */

const PREFIX = 'GROK2API_';

/** Older variable names → the key they set. The GROK2API_ name wins when both are present. */
const ALIASES: Readonly<Record<string, string>> = {
  GROK_BASE_URL: 'upstream.base_url',
  GROK_ASSETS_URL: 'upstream.assets_url',
  GROK_ACCOUNTS_URL: 'upstream.accounts_url',
  LOG_MAX_FILE_SIZE_MB: 'log.max_file_size_mb',
  LOG_MAX_FILES: 'log.max_files',
  // The reference read these two outside its config system (docs/python-compatibility.md §7.2).
  CUSTOM_CA_FILE: 'proxy.custom_ca_file',
  GROK2API_CUSTOM_CA_FILE: 'proxy.custom_ca_file',
  USE_SYSTEM_CA: 'proxy.use_system_ca',
  GROK2API_USE_SYSTEM_CA: 'proxy.use_system_ca',
};

export interface EnvironmentOverrides {
  values: PlainObject;
  /** `section.key` → variable name. */
  sources: Record<string, string>;
  /** Start-up defaults from the Python project's variables: beneath config.toml, not over it. */
  defaults: PlainObject;
  defaultSources: Record<string, string>;
  warnings: CodedWarning[];
  issues: ConfigIssue[];
}

// Longest first, so GROK2API_IMAGINE_FAST_SIZE is imagine_fast.size and never image.*.
const SECTIONS_LONGEST_FIRST = [...SECTION_NAMES].sort((a, b) => b.length - a.length);

/** GROK2API_ variables that are not config keys: read where they are used, never stored in config. */
const NOT_CONFIG_KEYS = new Set(['GROK2API_SECRET_KEY']);

function locate(variable: string): { section: SectionName; key: string } | { unknown: true } | null {
  if (!variable.startsWith(PREFIX) || NOT_CONFIG_KEYS.has(variable)) return null;
  const rest = variable.slice(PREFIX.length);
  for (const section of SECTIONS_LONGEST_FIRST) {
    const sectionPrefix = `${section.toUpperCase()}_`;
    if (rest.startsWith(sectionPrefix)) {
      const key = rest.slice(sectionPrefix.length).toLowerCase();
      return keySchema(section, key) ? { section, key } : { unknown: true };
    }
  }
  return { unknown: true };
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
};

type Coerced = { ok: true; value: unknown } | { ok: false };

function coerceNumber(raw: string): Coerced {
  const trimmed = raw.trim();
  const value = Number(trimmed);
  return trimmed === '' || !Number.isFinite(value) ? { ok: false } : { ok: true, value };
}

function parseJson(raw: string): Coerced {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function coerceList(schema: TSchema, raw: string): Coerced {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) return parseJson(trimmed);
  const items: unknown[] = [];
  for (const part of trimmed
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')) {
    const item = coerce(schema.items as TSchema, part);
    if (!item.ok) return item;
    items.push(item.value);
  }
  return { ok: true, value: items };
}

export function coerce(schema: TSchema, raw: string): Coerced {
  if (literalValues(schema)) return { ok: true, value: raw.trim() };
  switch (schema[Kind]) {
    case 'Boolean': {
      const value = BOOLEAN_WORDS[raw.trim().toLowerCase()];
      return value === undefined ? { ok: false } : { ok: true, value };
    }
    case 'Integer':
    case 'Number':
      return coerceNumber(raw);
    case 'Array':
      return coerceList(schema, raw);
    case 'Union': // app.api_key: a JSON array, or the comma-separated string form the key accepts as is
      return raw.trim().startsWith('[') ? parseJson(raw.trim()) : { ok: true, value: raw };
    default:
      return { ok: true, value: raw };
  }
}

function expectationFor(schema: TSchema): string {
  const { expected } = describeSchema(schema);
  return schema[Kind] === 'Boolean' ? 'true/false/1/0/yes/no' : expected;
}

/**
 * The Python project's FlareSolverr variables (docs/python-compatibility.md §7.2): with
 * FLARESOLVERR_URL set it turned auto-refresh on with that URL, CF_REFRESH_INTERVAL (default 600)
 * and CF_TIMEOUT (default 60), written into its config only when none had a FlareSolverr URL. Here
 * they are start-up defaults beneath config.toml: a value in the file or saved from the console
 * wins, and GROK2API_PROXY_* variables win over both.
 */
function readFlareSolverrDefaults(env: Record<string, string | undefined>, result: EnvironmentOverrides): void {
  const url = env.FLARESOLVERR_URL?.trim();
  if (!url) {
    for (const variable of ['CF_REFRESH_INTERVAL', 'CF_TIMEOUT']) {
      if (env[variable] === undefined) continue;
      const message = `environment variable ${variable} only applies with FLARESOLVERR_URL; ignored`;
      result.warnings.push(codedWarning('env_needs_flaresolverr', { variable }, message));
    }
    return;
  }
  const proxy: PlainObject = { enabled: true, flaresolverr_url: url };
  result.defaultSources['proxy.enabled'] = 'FLARESOLVERR_URL';
  result.defaultSources['proxy.flaresolverr_url'] = 'FLARESOLVERR_URL';
  const numbers: [string, string, number][] = [
    ['CF_REFRESH_INTERVAL', 'refresh_interval', 600],
    ['CF_TIMEOUT', 'timeout', 60],
  ];
  for (const [variable, key, fallback] of numbers) {
    const raw = env[variable];
    result.defaultSources[`proxy.${key}`] = raw === undefined ? 'FLARESOLVERR_URL' : variable;
    if (raw === undefined) {
      proxy[key] = fallback;
      continue;
    }
    const coerced = coerce(keySchema('proxy', key)!, raw);
    if (coerced.ok) proxy[key] = coerced.value;
    else {
      const expected = expectationFor(keySchema('proxy', key)!);
      result.issues.push({ key: `proxy.${key}`, value: raw, expected, source: variable });
    }
  }
  result.defaults.proxy = proxy;
}

export function readEnvironment(env: Record<string, string | undefined>): EnvironmentOverrides {
  const result: EnvironmentOverrides = {
    values: {},
    sources: {},
    defaults: {},
    defaultSources: {},
    warnings: [],
    issues: [],
  };
  readFlareSolverrDefaults(env, result);
  const assignments: { variable: string; path: string; raw: string }[] = [];
  // Aliases first, so the canonical GROK2API_ name (assigned later) overrides them.
  for (const [variable, path] of Object.entries(ALIASES)) {
    const raw = env[variable];
    if (raw !== undefined) assignments.push({ variable, path, raw });
  }
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || Object.hasOwn(ALIASES, variable)) continue;
    const place = locate(variable);
    if (place === null) continue;
    if ('unknown' in place) {
      const message = `environment variable ${variable} matches no config key; ignored`;
      result.warnings.push(codedWarning('env_unknown', { variable }, message));
    } else assignments.push({ variable, path: `${place.section}.${place.key}`, raw });
  }
  for (const { variable, path, raw } of assignments) {
    const [section, key] = path.split('.') as [SectionName, string];
    const schema = keySchema(section, key)!;
    const coerced = coerce(schema, raw);
    if (!coerced.ok) {
      result.issues.push({ key: path, value: raw, expected: expectationFor(schema), source: variable });
      continue;
    }
    const table = (result.values[section] ??= {}) as PlainObject;
    table[key] = coerced.value;
    result.sources[path] = variable;
  }
  return result;
}
