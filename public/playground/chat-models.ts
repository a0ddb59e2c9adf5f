import { $ } from '../common/dom';
import { t } from '../common/i18n';
import { call } from './api';

/** The model picker: grouped chat / image / video; aliases are other names for listed models, so they stay out. */

const MODEL_STORE = 'grok2api.playground.model';
// The current fast model first; then the newest of the others the server lists.
const PREFERRED_MODELS = ['grok-4.1-fast', 'grok-4.1-thinking', 'grok-chat-fast', 'grok-4'];
const familyOf = (id: string) => (id.includes('imagine') ? (id.includes('video') ? 'video' : 'image') : 'chat');
let modelsLoaded = false;

export async function loadModels(): Promise<void> {
  if (modelsLoaded) return;
  const { data } = (await (await call('/models')).json()) as { data: { id: string; alias_for?: string }[] };
  const select = $<HTMLSelectElement>('#chat-model');
  select.replaceChildren();
  const groups: Record<'chat' | 'image' | 'video', string[]> = { chat: [], image: [], video: [] };
  for (const model of data) if (!model.alias_for) groups[familyOf(model.id)].push(model.id);
  for (const [family, ids] of Object.entries(groups) as [keyof typeof groups, string[]][]) {
    if (ids.length === 0) continue;
    const group = document.createElement('optgroup');
    group.label = t(`family_${family}`);
    for (const id of ids) group.append(new Option(id, id));
    select.append(group);
  }
  const listed = (id: string) => [...select.options].some((option) => option.value === id);
  const remembered = localStorage.getItem(MODEL_STORE);
  const preferred = [remembered, ...PREFERRED_MODELS].find((id): id is string => Boolean(id && listed(id)));
  if (preferred) select.value = preferred;
  modelsLoaded = true;
}

$('#chat-model').addEventListener('change', (event) =>
  localStorage.setItem(MODEL_STORE, (event.target as HTMLSelectElement).value),
);
