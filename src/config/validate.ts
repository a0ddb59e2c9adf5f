import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, SECTION_NAMES, type Config, type SectionName } from './schema';
import { unknownAliasTargets } from '../catalog/model-aliases';
import { describeSchema } from './describe-schema';
import { semanticIssues } from './semantic-checks';
import { ConfigError, type ConfigIssue } from './errors';
import { deepFreeze, deepMerge, isPlainObject, type DeepPartial, type PlainObject } from './objects';

/**
 * Builds the effective config: schema defaults ← start-up defaults ← file values ← environment values, checked as a
 * whole. A bad value is an error naming its key; nothing falls back to a default silently.
 */

export interface ConfigLayers {
  /** Values from config.toml (already migrated and limited to known keys). */
  file: PlainObject;
  /** Values from the environment, already coerced to their schema types. */
  environment: PlainObject;
  /** `section.key` → the variable that set it, so errors point at the right place. */
  environmentSources: Readonly<Record<string, string>>;
  /** How to name the file layer in errors (`config.toml`, or `update` for admin patches). */
  fileSource: string;
  /** Start-up defaults beneath the file (the Python project's FLARESOLVERR_URL and friends), and their variables. */
  startupDefaults?: PlainObject;
  startupSources?: Readonly<Record<string, string>>;
}

const sectionProperties = (section: SectionName) =>
  (ConfigSchema.properties[section] as TSchema & { properties: Record<string, TSchema> }).properties;

export function isKnownSection(name: string): name is SectionName {
  return (SECTION_NAMES as string[]).includes(name);
}

export function keySchema(section: SectionName, key: string): TSchema | undefined {
  return Object.hasOwn(sectionProperties(section), key) ? sectionProperties(section)[key] : undefined;
}

/**
 * Keeps the keys the schema knows and reports the others. Unknown keys are not used (a typo must
 * not silently do nothing while looking configured), but they are only a warning so that a
 * config.toml written by a newer release still starts.
 */
export function splitKnownKeys(raw: PlainObject): { known: PlainObject; unknown: string[] } {
  const known: PlainObject = {};
  const unknown: string[] = [];
  for (const [section, table] of Object.entries(raw)) {
    if (!isKnownSection(section)) {
      unknown.push(section);
      continue;
    }
    if (!isPlainObject(table)) {
      known[section] = table; // validation reports "expected a table" for it
      continue;
    }
    const knownTable: PlainObject = {};
    for (const [key, value] of Object.entries(table)) {
      if (keySchema(section, key)) knownTable[key] = value;
      else unknown.push(`${section}.${key}`);
    }
    known[section] = knownTable;
  }
  return { known, unknown };
}

function emptySections(): PlainObject {
  return Object.fromEntries(SECTION_NAMES.map((section) => [section, {}]));
}

function issuesOf(value: PlainObject, layers: ConfigLayers): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  for (const error of Value.Errors(ConfigSchema, value)) {
    const [section, key] = error.path.split('/').slice(1);
    if (!section || !isKnownSection(section)) continue;
    const path = key === undefined ? section : `${section}.${key}`;
    if (issues.has(path)) continue;
    const schema = key === undefined ? ConfigSchema.properties[section] : keySchema(section, key);
    if (!schema) continue;
    const table = value[section];
    const current = key === undefined ? table : isPlainObject(table) ? table[key] : undefined;
    issues.set(path, {
      key: path,
      value: current,
      ...describeSchema(schema),
      source: layers.environmentSources[path] ?? startupSource(layers, section, key, path) ?? layers.fileSource,
    });
  }
  return [...issues.values()];
}

/** An alias must point at a model we serve: a typo would otherwise answer 404 while looking configured. */
function aliasIssues(config: Config, layers: ConfigLayers): ConfigIssue[] {
  const unknown = unknownAliasTargets(config.models.aliases);
  if (unknown.length === 0) return [];
  const key = 'models.aliases';
  const expected = '`pattern=model` entries whose model is one of our model ids (see GET /v1/admin/models)';
  return [{ key, value: unknown, expected, source: layers.environmentSources[key] ?? layers.fileSource }];
}

/** The variable behind a start-up default, unless the file sets the key (then the file is the source). */
function startupSource(
  layers: ConfigLayers,
  section: string,
  key: string | undefined,
  path: string,
): string | undefined {
  const table = layers.file[section];
  if (key !== undefined && isPlainObject(table) && Object.hasOwn(table, key)) return undefined;
  return layers.startupSources?.[path];
}

/** The frozen effective config, or a ConfigError listing every bad key. */
export function resolveConfig(layers: ConfigLayers): Config {
  const beneathFile = deepMerge(emptySections(), layers.startupDefaults ?? {});
  const merged = deepMerge(deepMerge(beneathFile, layers.file), layers.environment);
  const withDefaults = Value.Default(ConfigSchema, structuredClone(merged)) as PlainObject;
  const issues = issuesOf(withDefaults, layers);
  // Values of the right type can still be unusable (a URL that does not parse, a blank password).
  if (issues.length === 0)
    issues.push(...semanticIssues(withDefaults, (path) => layers.environmentSources[path] ?? layers.fileSource));
  if (issues.length === 0) issues.push(...aliasIssues(withDefaults as Config, layers));
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(withDefaults as Config);
}

/** The effective config from values alone, without a file or environment (tests, demo mode). */
export function buildConfig(values: DeepPartial<Config> = {}): Config {
  return resolveConfig({ file: values as PlainObject, environment: {}, environmentSources: {}, fileSource: 'values' });
}
