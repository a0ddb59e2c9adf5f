import { aliasRules } from './model-aliases';
import { ALIASES, findModel, MODELS, SERVED_KINDS, type CatalogModel } from './models';

/**
 * Every id a client may ask for, in a stable order: our models, then the operator's aliases
 * (config `models.aliases`, listed as written, globs included), then the built-in alternative
 * names. An alias carries the id it stands for.
 */

export interface ModelEntry {
  id: string;
  model: CatalogModel;
  /** Set for aliases: the model id they resolve to. */
  aliasFor?: string;
}

export function modelEntries(aliasEntries: readonly string[]): ModelEntry[] {
  const entries: ModelEntry[] = MODELS.filter((model) => SERVED_KINDS.has(model.kind)).map((model) => ({
    id: model.id,
    model,
  }));
  const seen = new Set(entries.map((entry) => entry.id));
  const aliases = [
    ...aliasRules(aliasEntries).map((rule) => [rule.pattern, rule.target] as const),
    ...Object.entries(ALIASES),
  ];
  for (const [id, target] of aliases) {
    const model = findModel(target);
    if (!model || !SERVED_KINDS.has(model.kind) || seen.has(id)) continue;
    seen.add(id);
    entries.push({ id, model, aliasFor: model.id });
  }
  return entries;
}
