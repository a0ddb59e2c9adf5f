import { formatPretty } from './pretty-format';
import { requestContext } from './request-context';
import { RotatingFileWriter, type RotationSettings } from './rotating-file';

/**
 * Structured JSON-line logs. Secrets are redacted here, once, rather than at each call site:
 * fields whose name says "secret" are masked, and token-shaped strings inside any message are cut.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD =
  /(^|_|-)(token|tokens|sso|cookie|authorization|api_?key|app_?key|function_?key|password|secret|cf_clearance|statsig)($|_|-)/i;
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/(sso(?:-rw)?=)[^;\s"']+/gi, '$1[redacted]'],
  [/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]'],
  // The Python project's stream routes take the admin and function keys in the query string.
  [/((?:app|function)_key=)[^&\s"']+/gi, '$1[redacted]'],
  [/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '[redacted-jwt]'],
];

/** Shows enough of a secret to tell two apart, never enough to use it. */
export function maskSecret(secret: string): string {
  if (secret.length <= 12) return '*'.repeat(Math.min(secret.length, 8));
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_IN_TEXT) result = result.replace(pattern, replacement);
  return result;
}

function redactValue(key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_FIELD.test(key)) {
    if (typeof value === 'string') return maskSecret(value);
    if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? maskSecret(item) : '[redacted]'));
    return '[redacted]';
  }
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactValue('', item, depth + 1));
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [childKey, childValue] of Object.entries(value))
      result[childKey] = redactValue(childKey, childValue, depth + 1);
    return result;
  }
  return value;
}

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level?: LogLevel;
  /** Directory for rotated JSON-line files; undefined = console only. */
  fileDirectory?: string;
  rotation?: RotationSettings;
  /** Console format; files are always JSON. Default json. */
  format?: LogFormat;
  /** Colours in pretty output. */
  colour?: boolean;
  write?: (line: string) => void;
  clock?: () => Date;
}

/** What a logger and all its children share: one console writer, one file writer. */
interface Sinks {
  minimum: number;
  format: LogFormat;
  colour: boolean;
  write: (line: string) => void;
  clock: () => Date;
  file?: RotatingFileWriter;
}

const DEFAULT_ROTATION: RotationSettings = { maxBytes: 100 * 1024 * 1024, maxFiles: 7 };

export class Logger {
  private readonly sinks: Sinks;

  constructor(
    options: LoggerOptions = {},
    private readonly context: Record<string, unknown> = {},
    shared?: Sinks,
  ) {
    const clock = options.clock ?? (() => new Date());
    this.sinks = shared ?? {
      minimum: LEVEL_ORDER[options.level ?? 'info'],
      format: options.format ?? 'json',
      colour: options.colour ?? false,
      write: options.write ?? ((line) => process.stdout.write(`${line}\n`)),
      clock,
      file: options.fileDirectory
        ? new RotatingFileWriter(options.fileDirectory, options.rotation ?? DEFAULT_ROTATION, clock)
        : undefined,
    };
  }

  /** A logger that adds these fields to every line and shares this one's outputs. */
  child(context: Record<string, unknown>): Logger {
    return new Logger({}, { ...this.context, ...context }, this.sinks);
  }

  /** Applies [log] rotation settings once config is loaded (and on hot reload). */
  configureFiles(rotation: RotationSettings): void {
    this.sinks.file?.configure(rotation);
  }

  debug(message: string, fields?: Record<string, unknown>) {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>) {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>) {
    this.log('error', message, fields);
  }

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>) {
    const sinks = this.sinks;
    if (LEVEL_ORDER[level] < sinks.minimum) return;
    const now = sinks.clock();
    // Lines logged while serving a request carry its id, however deep the caller.
    const requestId = requestContext.getStore()?.requestId;
    const record = redactValue(
      '',
      { time: now.toISOString(), level, message, ...(requestId ? { requestId } : {}), ...this.context, ...fields },
      0,
    ) as Record<string, unknown>;
    const json = JSON.stringify(record);
    sinks.write(sinks.format === 'pretty' ? formatPretty(record, sinks.colour) : json);
    if (sinks.file) {
      try {
        sinks.file.write(json);
      } catch {
        // A full or read-only disk must not take the gateway down; the console line was written.
      }
    }
  }
}

export const silentLogger = new Logger({ write: () => {}, level: 'error' });

export function parseLogLevel(value: string | undefined): LogLevel {
  const normalised = (value ?? 'info').toLowerCase();
  if (normalised === 'warning') return 'warn';
  if (normalised === 'debug' || normalised === 'info' || normalised === 'warn' || normalised === 'error')
    return normalised;
  if (normalised === 'critical') return 'error';
  throw new Error(`LOG_LEVEL must be one of debug, info, warn, error (got "${value}")`);
}

/** LOG_FORMAT wins; otherwise pretty on a terminal and JSON lines for pipes, files and log shippers. */
export function chooseLogFormat(value: string | undefined, isTerminal: boolean): LogFormat {
  const normalised = (value ?? '').trim().toLowerCase();
  if (normalised === 'json' || normalised === 'pretty') return normalised;
  if (normalised !== '') throw new Error(`LOG_FORMAT must be json or pretty (got "${value}")`);
  return isTerminal ? 'pretty' : 'json';
}

/** [log] sizes in the units the rotating writer takes. */
export function rotationFromConfig(log: { max_file_size_mb: number; max_files: number }): RotationSettings {
  return { maxBytes: log.max_file_size_mb * 1024 * 1024, maxFiles: log.max_files };
}
