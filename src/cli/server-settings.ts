import { availableParallelism } from 'node:os';

/** Process-level settings outside config.toml, validated the same way by serve and check-config. */
export interface ServerSettings {
  workers: number;
  port: number;
}

/**
 * SERVER_WORKERS: a positive integer, or `auto` (the default): one process per core. `auto` stays
 * at one process when the processes could not share what they need: port 0 (each would get a
 * port of its own) or an in-memory SQLite store (each would get a store of its own).
 */
export function serverSettings(
  env: Record<string, string | undefined>,
  cores: number = availableParallelism(),
): ServerSettings {
  const port = Number(env.SERVER_PORT || 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`SERVER_PORT must be a port number 0-65535 (got "${env.SERVER_PORT}")`);
  const requested = env.SERVER_WORKERS?.trim().toLowerCase() || 'auto';
  if (requested === 'auto') return { workers: port === 0 || inMemoryStore(env) ? 1 : Math.max(1, cores), port };
  const workers = Number(requested);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`SERVER_WORKERS must be a positive integer or auto (got "${env.SERVER_WORKERS}")`);
  return { workers, port };
}

function inMemoryStore(env: Record<string, string | undefined>): boolean {
  const type = env.SERVER_STORAGE_TYPE?.trim().toLowerCase() || 'local';
  return (
    (type === 'local' || type === 'sqlite') &&
    env.SERVER_STORAGE_URL?.trim().replace(/^sqlite:(\/\/)?/, '') === ':memory:'
  );
}
