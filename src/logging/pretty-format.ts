/**
 * One log record as a human reads it in a terminal: time, level, message, then the other fields
 * as key=value. Colours only when the terminal is a colour TTY.
 */

const COLOURS: Record<string, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s="]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

export function formatPretty(record: Record<string, unknown>, colour: boolean): string {
  const { time, level, message, ...fields } = record;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const levelText = String(level).toUpperCase().padEnd(5);
  const rest = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`)
    .join(' ');
  if (!colour) return `${clock} ${levelText} ${message}${rest ? ` ${rest}` : ''}`;
  const paint = COLOURS[String(level)] ?? '';
  return `${DIM}${clock}${RESET} ${paint}${levelText}${RESET} ${message}${rest ? ` ${DIM}${rest}${RESET}` : ''}`;
}
