/**
 * The model catalog as data: public id → how Grok web is asked for it, which pool may serve it
 * and what it costs. A new upstream mode needs a new row here, not new code.
 *
 * Sources: docs/upstream-protocol.md §9 (P1 table, the API surface we keep compatible,
 * plus the mode-based ids of later releases) and docs/python-compatibility.md §1.1.
 */

export type ModelKind = 'chat' | 'image' | 'image_edit' | 'video';
/** Minimum account tier. `super` models are served only from the ssoSuper pool. */
export type ModelTier = 'basic' | 'super';
/** Grok web mode, used for quota windows and the `modeId` selector. */
export type UpstreamMode = 'auto' | 'fast' | 'expert' | 'heavy';

export interface UpstreamSelector {
  /** Mode-based selector (sent alone, as the browser does, when present). */
  modeId?: string;
  /** Legacy two-field selector, used when the mode has no modeId translation. */
  modelName?: string;
  modelMode?: string | null;
  /** P1 sent `enable420: true` with the grok-420 model. */
  enable420?: boolean;
}

export interface CatalogModel {
  id: string;
  kind: ModelKind;
  tier: ModelTier;
  /** Local quota units charged per successful request (low = 1, high = 4). */
  cost: number;
  /** The quota window this model draws from upstream. */
  mode: UpstreamMode;
  /** Whether the upstream streams a reasoning trace for this model. */
  thinking: boolean;
  upstream: UpstreamSelector;
  description: string;
}

const chat = (
  id: string,
  upstream: UpstreamSelector,
  options: { tier?: ModelTier; cost?: number; mode: UpstreamMode; thinking?: boolean; description: string },
): CatalogModel => ({
  id,
  kind: 'chat',
  tier: options.tier ?? 'basic',
  cost: options.cost ?? 1,
  mode: options.mode,
  thinking: options.thinking ?? false,
  upstream,
  description: options.description,
});

export const MODELS: readonly CatalogModel[] = [
  chat('grok-3', { modelName: 'grok-3', modelMode: 'MODEL_MODE_GROK_3' }, { mode: 'auto', description: 'Grok 3' }),
  chat(
    'grok-3-mini',
    { modelName: 'grok-3', modelMode: 'MODEL_MODE_GROK_3_MINI_THINKING' },
    { mode: 'auto', thinking: true, description: 'Grok 3 mini, thinking' },
  ),
  chat(
    'grok-3-thinking',
    { modelName: 'grok-3', modelMode: 'MODEL_MODE_GROK_3_THINKING' },
    { mode: 'auto', thinking: true, description: 'Grok 3, thinking' },
  ),
  chat('grok-4', { modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4' }, { mode: 'auto', description: 'Grok 4' }),
  chat(
    'grok-4-thinking',
    { modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4_THINKING' },
    { mode: 'auto', thinking: true, description: 'Grok 4, thinking' },
  ),
  chat(
    'grok-4-heavy',
    { modeId: 'expert' },
    {
      tier: 'super',
      cost: 4,
      mode: 'expert',
      thinking: true,
      description: 'Grok 4 Heavy (multi-agent), Super accounts only',
    },
  ),
  chat('grok-4.1-mini', { modeId: 'fast' }, { mode: 'fast', description: 'Grok 4.1 mini' }),
  chat('grok-4.1-fast', { modeId: 'fast' }, { mode: 'fast', description: 'Grok 4.1 fast' }),
  chat(
    'grok-4.1-expert',
    { modeId: 'expert' },
    { cost: 4, mode: 'expert', thinking: true, description: 'Grok 4.1 expert, thinking' },
  ),
  chat(
    'grok-4.1-thinking',
    { modeId: 'expert' },
    { cost: 4, mode: 'expert', thinking: true, description: 'Grok 4.1 thinking' },
  ),
  chat('grok-4.20-beta', { modeId: 'fast' }, { mode: 'fast', description: 'Grok 4.20 beta' }),
  // Mode-based ids of the newer upstream releases: the server picks the model behind each mode.
  chat('grok-chat-fast', { modeId: 'fast' }, { mode: 'fast', description: 'Grok web "fast" mode' }),
  chat(
    'grok-chat-auto',
    { modeId: 'auto' },
    { tier: 'super', mode: 'auto', thinking: true, description: 'Grok web "auto" mode, Super accounts' },
  ),
  chat(
    'grok-chat-expert',
    { modeId: 'expert' },
    { tier: 'super', cost: 4, mode: 'expert', thinking: true, description: 'Grok web "expert" mode, Super accounts' },
  ),
  chat(
    'grok-chat-heavy',
    { modeId: 'heavy' },
    {
      tier: 'super',
      cost: 4,
      mode: 'heavy',
      thinking: true,
      description: 'Grok web "heavy" mode, Heavy subscriptions (Super pool)',
    },
  ),
  {
    id: 'grok-imagine-1.0',
    kind: 'image',
    tier: 'basic',
    cost: 4,
    mode: 'fast',
    thinking: false,
    upstream: { modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST' },
    description: 'Image generation',
  },
  {
    id: 'grok-imagine-1.0-fast',
    kind: 'image',
    tier: 'basic',
    cost: 4,
    mode: 'fast',
    thinking: false,
    upstream: { modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST' },
    description: 'Image generation with server-side n/size',
  },
  {
    id: 'grok-imagine-1.0-edit',
    kind: 'image_edit',
    tier: 'basic',
    cost: 4,
    mode: 'auto',
    thinking: false,
    upstream: { modelName: 'grok-4', modelMode: 'MODEL_MODE_AUTO' },
    description: 'Image edit',
  },
  {
    id: 'grok-imagine-1.0-video',
    kind: 'video',
    tier: 'basic',
    cost: 4,
    mode: 'fast',
    thinking: false,
    upstream: { modelName: 'grok-3', modelMode: null },
    description: 'Video generation',
  },
];

/** Alternative names clients use; each behaves exactly like its target. */
export const ALIASES: Readonly<Record<string, string>> = {
  'grok-4-1-mini': 'grok-4.1-mini',
  'grok-4-1-fast': 'grok-4.1-fast',
  'grok-4-fast': 'grok-4.1-fast',
  'grok-4-fast-reasoning': 'grok-4.1-fast',
  'grok-4-fast-non-reasoning': 'grok-4.1-fast',
  'grok-4-1-fast-reasoning': 'grok-4.1-fast',
  'grok-4-1-fast-non-reasoning': 'grok-4.1-fast',
  'grok-code-fast-1': 'grok-4.1-fast',
  'grok-4-1-expert': 'grok-4.1-expert',
  'grok-4-1-thinking': 'grok-4.1-thinking',
  'grok-4-20-beta': 'grok-4.20-beta',
  'grok-4.20-beta-latest-non-reasoning': 'grok-4.20-beta',
  'grok-4-20-beta-latest-non-reasoning': 'grok-4.20-beta',
};

const byId = new Map(MODELS.map((model) => [model.id, model]));

/** Resolves a public id or alias; undefined when unknown. */
export function findModel(id: string): CatalogModel | undefined {
  return byId.get(id) ?? byId.get(ALIASES[id] ?? '');
}

/** Model kinds that have a working route in this build; /v1/models lists only these. */
export const SERVED_KINDS: ReadonlySet<ModelKind> = new Set(['chat', 'image', 'image_edit', 'video']);

/** Every servable public id (canonical ids first, then aliases), in a stable order. */
export function listModelIds(): { id: string; model: CatalogModel }[] {
  const canonical = MODELS.filter((model) => SERVED_KINDS.has(model.kind)).map((model) => ({ id: model.id, model }));
  const aliases = Object.entries(ALIASES)
    .map(([alias, target]) => ({ id: alias, model: byId.get(target)! }))
    .filter(({ model }) => SERVED_KINDS.has(model.kind));
  return [...canonical, ...aliases];
}
