import { MODELS, SERVED_KINDS, type CatalogModel, type UpstreamMode } from '../catalog/models';

/**
 * The upstream modes whose windows matter to this build: the modes of the models it serves. A sync
 * asks about exactly these (one rate-limits call each, ../shared/spec/grok-web-protocol.md §14.1),
 * in a fixed order so the calls are predictable.
 */
export function quotaModesOf(models: readonly CatalogModel[] = MODELS): UpstreamMode[] {
  const used = new Set(models.filter((model) => SERVED_KINDS.has(model.kind)).map((model) => model.mode));
  return (['fast', 'auto', 'expert', 'heavy'] as const).filter((mode) => used.has(mode));
}
