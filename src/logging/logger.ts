import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Structured JSON-line logs. Secrets are redacted here, once, rather than at each call site:
 * fields whose name says "secret" are masked, and token-shaped strings inside any message are cut.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD = /(^|_|-)(token|tokens|sso|cookie|authorization|api_?key|app_?key|function_?key|password|secret|cf_clearance|statsig)($|_|-)/i;
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/(sso(?:-rw)?=)[^;\s"']+/gi, '$1[redacted]'],
  [/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]'],
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
    for (const [childKey, childValue] of Object.entries(value)) result[childKey] = redactValue(childKey, childValue, depth + 1);
    return result;
  }
  return value;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Directory for a daily JSON-lines file; undefined = console only. */
  fileDirectory?: string;
  write?: (line: string) => void;
  clock?: () => Date;
}

export class Logger {
  private readonly minimum: number;
  private readonly write: (line: string) => void;
  private readonly clock: () => Date;
  private readonly fileDirectory?: string;

  constructor(private readonly options: LoggerOptions = {}, private readonly context: Record<string, unknown> = {}) {
    this.minimum = LEVEL_ORDER[options.level ?? 'info'];
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.clock = options.clock ?? (() => new Date());
    this.fileDirectory = options.fileDirectory;
    if (this.fileDirectory) mkdirSync(this.fileDirectory, { recursive: true });
  }

  /** A logger that adds these fields (e.g. a request id) to every line. */
  child(context: Record<string, unknown>): Logger {
    return new Logger(this.options, { ...this.context, ...context });
  }

  debug(message: string, fields?: Record<string, unknown>) { this.log('debug', message, fields); }
  info(message: string, fields?: Record<string, unknown>) { this.log('info', message, fields); }
  warn(message: string, fields?: Record<string, unknown>) { this.log('warn', message, fields); }
  error(message: string, fields?: Record<string, unknown>) { this.log('error', message, fields); }

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>) {
    if (LEVEL_ORDER[level] < this.minimum) return;
    const now = this.clock();
    const record = redactValue('', { time: now.toISOString(), level, message, ...this.context, ...fields }, 0);
    const line = JSON.stringify(record);
    this.write(line);
    if (this.fileDirectory) {
      try {
        appendFileSync(join(this.fileDirectory, `app_${now.toISOString().slice(0, 10)}.log`), `${line}\n`);
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
  if (normalised === 'debug' || normalised === 'info' || normalised === 'warn' || normalised === 'error') return normalised;
  if (normalised === 'critical') return 'error';
  throw new Error(`LOG_LEVEL must be one of debug, info, warn, error (got "${value}")`);
}
