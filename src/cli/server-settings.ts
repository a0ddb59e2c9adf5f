/** Process-level settings outside config.toml, validated the same way by serve and check-config. */
export interface ServerSettings {
  workers: number;
  port: number;
}

export function serverSettings(env: Record<string, string | undefined>): ServerSettings {
  const workers = Number(env.SERVER_WORKERS || 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`SERVER_WORKERS must be a positive integer (got "${env.SERVER_WORKERS}")`);
  const port = Number(env.SERVER_PORT || 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SERVER_PORT must be a port number 0-65535 (got "${env.SERVER_PORT}")`);
  return { workers, port };
}
