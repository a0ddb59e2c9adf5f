import { $, button, messageOf } from '../common/dom';
import { hasText, language, t } from '../common/i18n';
import { icon } from '../common/icons';
import { toast } from '../common/toast';
import { ApiFailure, api, statusOf } from './api';
import type { ConfigForm, ConfigValues } from './api-types';
import { CONFIG_DESCRIPTIONS_ZH } from './config-descriptions-zh';
import { type Field, humanise, inputFor, parse, problemOf, randomSecret, serialise } from './config-fields';
import { signIn } from './session';
import { registerView } from '../common/router';

/**
 * Config page: one form per section drawn from the config schema; the server validates, and an
 * error is shown beside the key it names. Only changed keys are sent. Secrets arrive masked and
 * stay masked unless revealed one at a time.
 */

type Section = ConfigForm['sections'][number];
type Entry = Section['keys'][number];

let form: ConfigForm | null = null;
let values: ConfigValues = {};
/** A field another page asked for ("section.key"): opened and focused once the form is drawn. */
let focusWanted: string | null = null;

const fieldOf = (section: string, key: string) => document.getElementById(`config-${section}-${key}`) as Field | null;

/** The key's description in the reader's language; English when no current translation exists. */
function describe(sectionName: string, entry: Entry): string {
  const english = entry.schema.description || '';
  const translated = CONFIG_DESCRIPTIONS_ZH[`${sectionName}.${entry.key}`];
  return language() === 'zh' && translated && translated[0] === english ? translated[1] : english;
}

/** Keys whose field differs from what was loaded. */
function unsavedCount(): number {
  let count = 0;
  for (const input of document.querySelectorAll<Field>('#config-sections [data-original]'))
    if (serialise(input) !== input.dataset.original) count += 1;
  return count;
}

async function revealed(section: string, key: string): Promise<string> {
  const all = await api<ConfigValues>('/v1/admin/config?reveal=true');
  const value = all[section]?.[key];
  return Array.isArray(value) ? value.join(',') : String(value ?? '');
}

/** A switch (proxy.enabled) disables the keys it fills in itself and enables the ones it needs. */
function applyGoverned(): void {
  for (const [switchKey, rule] of Object.entries(form?.governed ?? {})) {
    const [section, key] = switchKey.split('.') as [string, string];
    const toggle = fieldOf(section, key) as HTMLInputElement | null;
    if (!toggle) continue;
    for (const managed of rule.managed) {
      const input = fieldOf(section, managed);
      if (input) input.disabled = toggle.checked || input.dataset.environment === 'true';
    }
    for (const needed of rule.needs) {
      const input = fieldOf(section, needed);
      if (input) input.disabled = !toggle.checked || input.dataset.environment === 'true';
    }
  }
}

/** Reveal, generate and copy beside a secret's field. */
function secretButtons(section: string, key: string, input: Field): HTMLButtonElement[] {
  const reveal = async () => {
    input.value = await revealed(section, key);
    input.dataset.original = input.value;
    input.dataset.revealed = 'true';
  };
  const copy = async () => {
    const masked = input.value === input.dataset.original && input.dataset.revealed !== 'true';
    const text = masked ? await revealed(section, key) : input.value;
    await navigator.clipboard.writeText(text).then(
      () => toast(t('copied')),
      () => {},
    );
  };
  return [
    button(t('reveal'), reveal, 'small'),
    button(
      t('generate'),
      () => {
        input.value = randomSecret();
      },
      'small',
    ),
    button(t('copy'), copy, 'small'),
  ];
}

function keyRow(section: string, entry: Entry): HTMLElement {
  const row = document.createElement('div');
  row.className = 'config-row';
  const label = document.createElement('label');
  const input = inputFor(section, entry.key, entry.schema, values[section]?.[entry.key]);
  label.htmlFor = input.id;
  const keyTitle = document.createElement('span');
  keyTitle.className = 'config-title';
  keyTitle.textContent = humanise(entry.key);
  const keyName = document.createElement('code');
  keyName.className = 'config-key-name';
  keyName.textContent = entry.key;
  label.append(keyTitle, keyName);
  row.dataset.search = [
    section,
    entry.key,
    humanise(entry.key),
    entry.schema.description || '',
    describe(section, entry),
  ]
    .join(' ')
    .toLowerCase();
  const description = document.createElement('small');
  const origin = form?.sources?.[`${section}.${entry.key}`];
  description.textContent = describe(section, entry);
  if (origin && origin.source === 'environment') {
    // The environment wins over anything saved here, so the API refuses a change: show why.
    input.disabled = true;
    input.dataset.environment = 'true';
    description.textContent += ` — ${t('setByEnvironment', { variable: origin.variable })}`;
  }
  description.id = `${input.id}-description`;
  input.setAttribute('aria-describedby', `${description.id} ${input.id}-error`);
  const error = document.createElement('p');
  error.className = 'error';
  error.id = `${input.id}-error`;
  error.setAttribute('role', 'alert');
  const field = document.createElement('div');
  field.className = 'config-field';
  field.append(input);
  if (entry.secret) field.append(...secretButtons(section, entry.key, input));
  row.append(label, field, description, error);
  return row;
}

function sectionElement(section: Section): HTMLDetailsElement {
  const details = document.createElement('details');
  details.className = 'card config-section';
  details.dataset.section = section.name;
  const summary = document.createElement('summary');
  const title = document.createElement('span');
  const titleKey = `section_${section.name}`;
  title.textContent = hasText(titleKey) ? t(titleKey) : humanise(section.name);
  const code = document.createElement('code');
  code.className = 'config-key-name';
  code.textContent = `[${section.name}]`;
  const sectionNote = document.createElement('small');
  sectionNote.className = 'section-note';
  const hintKey = `sectionHint_${section.name}`;
  sectionNote.textContent = hasText(hintKey) ? t(hintKey) : '';
  summary.append(title, ' ', code, sectionNote);
  details.append(summary);
  const sectionForm = document.createElement('form');
  sectionForm.noValidate = true;
  for (const entry of section.keys) sectionForm.append(keyRow(section.name, entry));
  const save = document.createElement('button');
  save.type = 'submit';
  save.className = 'primary';
  save.append(icon('save'), t('save'));
  sectionForm.append(save);
  sectionForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saveSection(section, sectionForm);
  });
  sectionForm.addEventListener('change', applyGoverned);
  details.append(sectionForm);
  return details;
}

function render(): void {
  if (!form) return;
  $('#config-sections').replaceChildren(...form.sections.map(sectionElement));
  applyGoverned();
}

function markInvalid(sectionName: string, key: string, message: string): boolean {
  const input = fieldOf(sectionName, key);
  const target = document.getElementById(`config-${sectionName}-${key}-error`);
  if (!input || !target) return false;
  target.textContent = message;
  input.setAttribute('aria-invalid', 'true');
  return true;
}

/** The changed keys of one section, each checked first; null when one is invalid (it is marked). */
function changedKeys(section: Section, sectionForm: HTMLFormElement): Record<string, unknown> | null {
  const changed: Record<string, unknown> = {};
  let invalid = 0;
  for (const entry of section.keys) {
    const input = fieldOf(section.name, entry.key)!;
    if (serialise(input) === input.dataset.original) continue;
    changed[entry.key] = parse(input, entry.schema);
    const problem = problemOf(changed[entry.key], entry.schema);
    if (problem && markInvalid(section.name, entry.key, problem)) invalid += 1;
  }
  if (invalid === 0) return changed;
  sectionForm.querySelector<HTMLElement>('[aria-invalid=true]')!.focus();
  toast(t('fieldsInvalid', { n: invalid }));
  return null;
}

async function saveSection(section: Section, sectionForm: HTMLFormElement): Promise<void> {
  for (const error of sectionForm.querySelectorAll('.error')) error.textContent = '';
  for (const input of sectionForm.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const changed = changedKeys(section, sectionForm);
  if (!changed) return;
  if (Object.keys(changed).length === 0) return toast(t('nothingChanged'));
  // A new admin password ends this session on the server: sign straight back in with it.
  const newPassword = section.name === 'app' && typeof changed.app_key === 'string' ? changed.app_key : null;
  try {
    let answer: { config: ConfigValues } | undefined;
    try {
      answer = await api('/v1/admin/config', { method: 'POST', body: { [section.name]: changed } });
    } catch (error) {
      if (!(newPassword && statusOf(error) === 401)) throw error;
    }
    if (newPassword) {
      await signIn(newPassword);
      values = await api<ConfigValues>('/v1/admin/config');
      toast(t('passwordChanged'));
    } else {
      values = answer!.config;
      toast(t('saved'));
    }
    const open = sectionForm.closest('details')!.open;
    render();
    document.querySelector<HTMLDetailsElement>(`details[data-section="${section.name}"]`)!.open = open;
  } catch (error) {
    const param = error instanceof ApiFailure ? error.param : undefined;
    const [sectionName = '', key = ''] = String(param || '').split('.');
    if (markInvalid(sectionName, key, messageOf(error))) fieldOf(sectionName, key)!.focus();
    else toast(t('failed', { reason: messageOf(error) }));
  }
}

/** Another page (the default-password banner) asked for one field: open its section and focus it. */
function focusRequested(): void {
  const wanted = focusWanted;
  if (!wanted) return;
  focusWanted = null;
  const [sectionName = '', key = ''] = wanted.split('.');
  const details = document.querySelector<HTMLDetailsElement>(`details[data-section="${sectionName}"]`);
  const input = fieldOf(sectionName, key);
  if (!details || !input) return;
  details.open = true;
  input.scrollIntoView({ block: 'center' });
  input.focus();
}

async function load(): Promise<void> {
  try {
    if (!form) form = await api<ConfigForm>('/v1/admin/console/config-form');
    values = await api<ConfigValues>('/v1/admin/config');
    render();
    focusRequested();
  } catch (error) {
    if (statusOf(error) !== 401) toast(t('failed', { reason: messageOf(error) }));
  }
}

// The default-password banner leads straight to the field.
$('#change-password-link').addEventListener('click', () => {
  focusWanted = 'app.app_key';
});

// Search: sections and keys whose name, title or description contain every word typed.
$('#config-search').addEventListener('input', () => {
  const words = $<HTMLInputElement>('#config-search').value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const details of document.querySelectorAll<HTMLDetailsElement>('#config-sections details')) {
    let shown = 0;
    for (const row of details.querySelectorAll<HTMLElement>('.config-row')) {
      row.hidden = !words.every((word) => row.dataset.search!.includes(word));
      if (!row.hidden) shown += 1;
    }
    details.hidden = shown === 0;
    details.open = words.length > 0 && shown > 0 ? true : details.open;
  }
});

// Unsaved edits: a warning before the page or the tab goes away.
window.addEventListener('beforeunload', (event) => {
  if (!$('#config-view').hidden && unsavedCount() > 0) event.preventDefault();
});

registerView('config', {
  show: load,
  relabel: () => render(),
  canLeave: () => unsavedCount() === 0 || confirm(t('unsavedLeave', { n: unsavedCount() })),
});
