import { VERSION } from '../version';

export const HELP = `grok2api ${VERSION} — OpenAI-compatible gateway for Grok web accounts

Usage: grok2api [command] [options]

Commands:
  serve                      run the gateway (the default when no command is given)
  import <file|->            add accounts from a file: token.json ({"ssoBasic":[…]}), a JSON array,
                             JSON lines, or plain text with one token per line
                               --pool <name>     pool for entries that name none (default ssoBasic)
  export                     print every account as token.json (re-importable)
                               --output <file>   write to a file (mode 600) instead of stdout
                               --format <f>      token-json (default), jsonl or text
                               --pool <name>     only this pool
  migrate --to-type <type>   copy every account into another storage (existing ones are kept;
                             stored records such as saved responses are not copied)
                               --to-url <url>    target connection URL
                               --from-type/--from-url  source (default: the configured storage)
  check-config               validate config.toml, the environment and the storage; exit 1 on problems
  healthcheck [url]          exit 0 when http://127.0.0.1:$SERVER_PORT/health answers (for containers)
  --version                  version, commit, build date
  --help                     this text

Environment:
  DATA_DIR                   data folder: config.toml, SQLite database, logs (default ./data)
  SERVER_HOST, SERVER_PORT   listen address and port (default 0.0.0.0:8000)
  SERVER_WORKERS             processes sharing the port: a number or auto (default: one per core)
  SERVER_INSTANCE_ID         stable, unique id of this instance in a shared store (default: kept in DATA_DIR)
  SERVER_STORAGE_TYPE        local (SQLite in DATA_DIR) or another driver; SERVER_STORAGE_URL its URL
  LOG_LEVEL                  debug, info (default), warn, error
  LOG_FORMAT                 pretty or json (default: pretty on a terminal, json otherwise)
  LOG_FILE_ENABLED           also write JSON-line files (default true)
  LOG_DIR                    log folder (default DATA_DIR/logs)
  LOG_MAX_FILE_SIZE_MB, LOG_MAX_FILES   override [log] max_file_size_mb and max_files
  GROK_BASE_URL, GROK_ASSETS_URL, GROK_ACCOUNTS_URL   upstream origins (tests, simulator)
  GROK2API_<SECTION>_<KEY>   any config key, e.g. GROK2API_APP_API_KEY, GROK2API_METRICS_TOKEN

Every config key: docs/configuration.md. Deployment: docs/deploy.md.`;
