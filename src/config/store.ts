import { join } from 'node:path';
import type { Config } from './schema';
import { ConfigError, type ConfigIssue } from './errors';
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
  /** Validates the whole result, writes config.toml atomically, then swaps and notifies. */
  update(patch: DeepPartial<Config>): Promise<Config>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (config: Config) => void): () => void;
  dataDir: string;
  /** Start-up notes: migrated keys, unknown keys and variables. */
  warnings: string[];
}

export interface ConfigStoreOptions {
  dataDir: string;
  /** config.toml as migrated, unknown keys included: they are kept in the file, just not used. */
  fileValues: PlainObject;
  environment: EnvironmentOverrides;
  config: Config;
  warnings: string[];
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

  async function applyUpdate(patch: DeepPartial<Config>): Promise<Config> {
    const patchObject = patch as PlainObject;
    const unknown = unknownKeysOf(patchObject);
    if (unknown.length > 0) throw new ConfigError(unknown);
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
    update(patch) {
      const result = queue.then(() => applyUpdate(patch));
      queue = result.catch(() => undefined);
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
