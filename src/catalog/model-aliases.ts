import { ALIASES, findModel, type CatalogModel } from './models';

/**
 * The operator's model aliases (config `models.aliases`, `pattern=model` entries): client model
 * ids such as Claude Code's `claude-opus-4-…` mapped onto our models. Patterns are globs (`*`
 * any characters, `?` one), matched case-insensitively, first match wins. Our own ids always win
 * over a pattern; the operator's patterns win over the built-in alternative names.
 */

export interface AliasRule {
  /** As written in the config, e.g. `claude-*opus*`. */
  pattern: string;
  /** The model id it stands for. */
  target: string;
  matcher: RegExp;
}

const globToRegExp = (pattern: string): RegExp => {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
};

/** The config is frozen: parse each entries array once. */
const parsed = new WeakMap<readonly string[], AliasRule[]>();

export function aliasRules(entries: readonly string[]): AliasRule[] {
  const cached = parsed.get(entries);
  if (cached) return cached;
  const rules = entries.flatMap((entry) => {
    const separator = entry.indexOf('=');
    if (separator <= 0) return [];
    const pattern = entry.slice(0, separator).trim();
    const target = entry.slice(separator + 1).trim();
    return pattern && target ? [{ pattern, target, matcher: globToRegExp(pattern) }] : [];
  });
  parsed.set(entries, rules);
  return rules;
}

/** Entries whose target is not a model we know (config validation reports them). */
export function unknownAliasTargets(entries: readonly string[]): string[] {
  return aliasRules(entries)
    .filter((rule) => !findModel(rule.target))
    .map((rule) => `${rule.pattern}=${rule.target}`);
}

/** Resolves a client model id: our ids, then the operator's aliases, then the built-in names. */
export function resolveModel(id: string, entries: readonly string[]): CatalogModel | undefined {
  const exact = findModel(id);
  if (exact && !Object.hasOwn(ALIASES, id)) return exact;
  for (const rule of aliasRules(entries)) {
    if (rule.matcher.test(id)) return findModel(rule.target);
  }
  return exact;
}
