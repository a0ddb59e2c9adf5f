import type { CodedWarning } from './coded-warning';
import { join } from 'node:path';
import type { Config } from './schema';
import { ConfigError, EnvironmentOverrideError, type ConfigIssue } from './errors';
import type { EnvironmentOverrides } from './environment';
import { deepMerge, isPlainObject, type DeepPartial, type PlainObject } from './objects';
import { CONFIG_FILE_NAME, writeTomlFileAtomically } from './toml-file';
import { isKnownSection, keySchema, resolveConfig, splitKnownKeys } from './validate';

export type { DeepPartial } from './objects';

/**
 * The running config: one frozen object, swapped whole on update (hot reload). Readers call
 * `get()` each time they need a value instead of keeping a copy.
 */
export interface ConfigStore {
  get(): Config;
  /**
   * Validates the whole result, writes config.toml atomically, then swaps and notifies. A key the
   * environment sets is refused (EnvironmentOverrideError) when an admin changes it; other origins
   * (another instance, the clearance refresher) leave it out silently, as the environment wins.
   */
  update(patch: DeepPartial<Config>, options?: { origin?: UpdateOrigin }): Promise<Config>;
  /** Where each key's value comes from, by `section.key`. */
  sources(): Record<string, KeySource>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (config: Config) => void): () => void;
  dataDir: string;
  /** Start-up notes: migrated keys, unknown keys and variables (the console shows them too). */
  warnings: CodedWarning[];
}

/** Who asks for an update: the admin API (refused on environment keys), another instance, or the gateway itself. */
export type UpdateOrigin = 'admin' | 'cluster' | 'internal';

export interface KeySource {
  source: 'default' | 'file' | 'environment' | 'cluster';
  /** The environment variable, for source 'environment'. */
  variable?: string;
}

export interface ConfigStoreOptions {
  dataDir: string;
  /** config.toml as migrated, unknown keys included: they are kept in the file, just not used. */
  fileValues: PlainObject;
  environment: EnvironmentOverrides;
  config: Config;
  warnings: CodedWarning[];
  /** Where a failing listener is reported; one bad listener must not stop the others. */
  onListenerError?: (error: unknown) => void;
}

function unknownKeysOf(patch: PlainObject): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [section, table] of Object.entries(patch)) {
    if (table === undefined) continue;
    if (!isKnownSection(section)) {
      issues.push({ key: section, value: table, expected: 'a known config section', source: 'update' });
    } else if (isPlainObject(table)) {
      for (const [key, value] of Object.entries(table)) {
        if (value !== undefined && !keySchema(section, key)) {
          issues.push({ key: `${section}.${key}`, value, expected: 'a known config key', source: 'update' });
        }
      }
    }
  }
  return issues;
}

export function createConfigStore(options: ConfigStoreOptions): ConfigStore {
  const path = join(options.dataDir, CONFIG_FILE_NAME);
  const listeners = new Set<(config: Config) => void>();
  const reportListenerError = options.onListenerError ?? ((error) => console.error('config listener failed', error));
  let fileValues = options.fileValues;
  let current = options.config;
  // Updates run one at a time: two concurrent patches must both land, not overwrite each other.
  let queue: Promise<unknown> = Promise.resolve();

  // Keys whose latest value came from another instance (shown as source 'cluster').
  const clusterKeys = new Set<string>();

  /** The patch without keys the environment sets; an admin's change of one is refused instead. */
  function withoutEnvironmentKeys(patch: PlainObject, origin: UpdateOrigin): PlainObject {
    const kept: PlainObject = {};
    for (const [section, table] of Object.entries(patch)) {
      if (!isPlainObject(table)) {
        kept[section] = table;
        continue;
      }
      const keptTable: PlainObject = {};
      for (const [key, value] of Object.entries(table)) {
        const variable = options.environment.sources[`${section}.${key}`];
        const unchanged =
          JSON.stringify(value) === JSON.stringify((current as unknown as Record<string, PlainObject>)[section]?.[key]);
        if (variable === undefined) keptTable[key] = value;
        else if (origin === 'admin' && !unchanged) throw new EnvironmentOverrideError(`${section}.${key}`, variable);
      }
      kept[section] = keptTable;
    }
    return kept;
  }

  async function applyUpdate(patch: DeepPartial<Config>, origin: UpdateOrigin): Promise<Config> {
    const unknown = unknownKeysOf(patch as PlainObject);
    if (unknown.length > 0) throw new ConfigError(unknown);
    const patchObject = withoutEnvironmentKeys(patch as PlainObject, origin);
    const nextFileValues = deepMerge(fileValues, patchObject);
    // The environment is applied again on top, so an env-overridden key keeps its env value after
    // an update: the file records the operator's edit, the environment still wins at run time.
    const next = resolveConfig({
      file: splitKnownKeys(nextFileValues).known,
      environment: options.environment.values,
      environmentSources: options.environment.sources,
      fileSource: 'update',
      startupDefaults: options.environment.defaults,
      startupSources: options.environment.defaultSources,
    });
    await writeTomlFileAtomically(path, nextFileValues);
    fileValues = nextFileValues;
    current = next;
    for (const [section, table] of Object.entries(patchObject)) {
      if (!isPlainObject(table)) continue;
      for (const key of Object.keys(table)) {
        if (origin === 'cluster') clusterKeys.add(`${section}.${key}`);
        else clusterKeys.delete(`${section}.${key}`);
      }
    }
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        reportListenerError(error);
      }
    }
    return next;
  }

  return {
    dataDir: options.dataDir,
    warnings: options.warnings,
    get: () => current,
    update(patch, updateOptions) {
      const result = queue.then(() => applyUpdate(patch, updateOptions?.origin ?? 'internal'));
      queue = result.catch(() => undefined);
      return result;
    },
    sources() {
      const result: Record<string, KeySource> = {};
      for (const [section, table] of Object.entries(current)) {
        const fileTable = fileValues[section];
        for (const key of Object.keys(table as object)) {
          const path = `${section}.${key}`;
          const variable = options.environment.sources[path];
          if (variable) result[path] = { source: 'environment', variable };
          else if (clusterKeys.has(path)) result[path] = { source: 'cluster' };
          else if (isPlainObject(fileTable) && Object.hasOwn(fileTable, key)) result[path] = { source: 'file' };
          else result[path] = { source: 'default' };
        }
      }
      return result;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
