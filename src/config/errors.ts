/**
 * Config problems are reported per key, with the offending value and what would have been
 * accepted, so an operator can fix config.toml or the environment without reading code.
 */

export interface ConfigIssue {
  /** `section.key` (or just `section` when the whole table is wrong). */
  key: string;
  value: unknown;
  /** What the key accepts, in words. */
  expected: string;
  /** For enums: every accepted value. */
  allowed?: readonly string[];
  /** Where the value came from: `config.toml`, an environment variable, or `update`. */
  source?: string;
}

const MAX_VALUE_LENGTH = 80;

export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

export function formatIssue(issue: ConfigIssue): string {
  const source = issue.source ? ` (from ${issue.source})` : '';
  return `${issue.key} = ${formatValue(issue.value)}${source}: expected ${issue.expected}`;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`Invalid config: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  /** The first failing key, for callers that point at one field (the admin UI). */
  get key(): string {
    return this.issues[0]?.key ?? '';
  }
}

/** An update of a key the environment sets: it would be written and then ignored, so it is refused. */
export class EnvironmentOverrideError extends Error {
  constructor(
    readonly key: string,
    readonly variable: string,
  ) {
    super(
      `${key} is set by the environment variable ${variable}, which overrides any change made here; change or unset ${variable} and restart.`,
    );
    this.name = 'EnvironmentOverrideError';
  }
}
