import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from './errors';
import type { Config } from './schema';
import { readEnvironment } from './environment';
import { migrateConfig } from './migrate';
import { type CodedWarning, codedWarning } from './coded-warning';
import { createConfigStore, type ConfigStore } from './store';
import { CONFIG_FILE_NAME, readTomlFile } from './toml-file';
import { resolveConfig, splitKnownKeys, type ConfigLayers } from './validate';

/** Values the environment could not even coerce are reported together with the schema's findings. */
function resolveReportingEveryIssue(layers: ConfigLayers, environmentIssues: readonly ConfigIssue[]): Config {
  let schemaIssues: readonly ConfigIssue[] = [];
  try {
    const config = resolveConfig(layers);
    if (environmentIssues.length === 0) return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    schemaIssues = error.issues;
  }
  throw new ConfigError([...environmentIssues, ...schemaIssues]);
}

/**
 * Effective config = schema defaults ← DATA_DIR/config.toml (migrated from older layouts) ←
 * environment. Called once at start-up with `process.env`; nothing else reads the environment.
 * Throws a ConfigError naming every bad key; loading never writes the file.
 */
export async function loadConfig(options: {
  dataDir: string;
  env: Record<string, string | undefined>;
}): Promise<ConfigStore> {
  const raw = await readTomlFile(join(options.dataDir, CONFIG_FILE_NAME));
  const migration = migrateConfig(raw);
  const { known, unknown } = splitKnownKeys(migration.values);
  const environment = readEnvironment(options.env);
  const file = CONFIG_FILE_NAME;
  const warnings: CodedWarning[] = [
    ...migration.notes.map((note) => ({
      ...note,
      params: { ...note.params, file },
      message: `${file}: ${note.message}`,
    })),
    ...unknown.map((key) =>
      codedWarning('config_unknown_key', { file, key }, `${file}: unknown config key ${key}; ignored`),
    ),
    ...environment.warnings,
  ];
  const config = resolveReportingEveryIssue(
    {
      file: known,
      environment: environment.values,
      environmentSources: environment.sources,
      fileSource: CONFIG_FILE_NAME,
      startupDefaults: environment.defaults,
      startupSources: environment.defaultSources,
    },
    environment.issues,
  );
  const appKey = config.app.app_key;
  if (appKey !== '' && appKey !== 'grok2api' && appKey.length < 12) {
    // the default has its own warning
    const where = environment.sources['app.app_key'] ?? CONFIG_FILE_NAME;
    warnings.push(
      codedWarning(
        'app_key_short',
        { source: where },
        `app.app_key (from ${where}) is shorter than 12 characters: the admin API would refuse it as a new password; choose a longer one.`,
      ),
    );
  }
  return createConfigStore({ dataDir: options.dataDir, fileValues: migration.values, environment, config, warnings });
}
