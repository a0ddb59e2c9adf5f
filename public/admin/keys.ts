import { $, button, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { toast } from '../common/toast';
import { ApiFailure, api, statusOf } from './api';
import type { ClientKeyView, KeysAnswer, KeyUsage } from './api-types';
import { locale, when } from './format';
import { registerView } from '../common/router';

/** API keys page: create (the key is shown once, then only its masked form), revoke, per-key usage. */

type ModelGroup = NonNullable<KeysAnswer['model_groups']>[number];

let models: string[] = [];
let groups: ModelGroup[] = [];
let keys: ClientKeyView[] = [];
const usage = new Map<string, KeyUsage | null>();

async function load(): Promise<void> {
  try {
    const answer = await api<KeysAnswer>('/v1/admin/console/keys');
    keys = answer.keys;
    if (models.join() !== answer.models.join()) {
      models = answer.models;
      groups = answer.model_groups || [{ family: 'chat', models: models.map((id) => ({ id, aliases: [] })) }];
      renderModels();
    }
    $('#first-key-warning').hidden = keys.some((key) => key.state === 'active');
    render();
    await Promise.all(
      keys.map(async (key) =>
        usage.set(key.id, await api<KeyUsage>(`/v1/admin/console/keys/${key.id}/usage?days=7`).catch(() => null)),
      ),
    );
    render();
  } catch (error) {
    if (statusOf(error) !== 401) toast(t('failed', { reason: messageOf(error) }));
  }
}

/** By family, each with an "all" box; a model's aliases ride along with it (they name the same model). */
function renderModels(): void {
  const container = $('#key-models');
  container.replaceChildren();
  for (const group of groups) {
    if (group.models.length === 0) continue;
    const box = document.createElement('div');
    box.className = 'model-family';
    const all = document.createElement('label');
    all.className = 'family-all';
    const allBox = document.createElement('input');
    allBox.type = 'checkbox';
    allBox.dataset.family = group.family;
    all.append(allBox, ` ${t(`family_${group.family}`)} — ${t('allOfFamily')}`);
    const list = document.createElement('div');
    list.className = 'model-grid';
    for (const model of group.models) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.value = model.id;
      input.dataset.aliases = model.aliases.join(',');
      label.append(input, ` ${model.id}`);
      if (model.aliases.length) {
        const also = document.createElement('small');
        also.textContent = ` ${t('alsoNamed', { n: model.aliases.length })}`;
        also.title = model.aliases.join(', ');
        label.append(also);
      }
      list.append(label);
    }
    allBox.addEventListener('change', () => {
      for (const input of list.querySelectorAll('input')) input.checked = allBox.checked;
    });
    list.addEventListener('change', () => {
      const inputs = [...list.querySelectorAll('input')];
      allBox.checked = inputs.every((input) => input.checked);
      allBox.indeterminate = !allBox.checked && inputs.some((input) => input.checked);
    });
    box.append(all, list);
    container.append(box);
  }
}

/** The ticked models and their aliases. */
function allowedModels(): string[] {
  const ids: string[] = [];
  for (const input of document.querySelectorAll<HTMLInputElement>('#key-models .model-grid input:checked'))
    ids.push(input.value, ...(input.dataset.aliases ? input.dataset.aliases.split(',') : []));
  return ids;
}

function limitsText(key: ClientKeyView): string {
  const parts = [key.models.length ? key.models.join(', ') : t('allModels')];
  parts.push(
    `RPM ${key.rpm || '∞'}`,
    `${t('keyConcurrency').split(' (')[0]} ${key.concurrency || '∞'}`,
    `${t('keyDaily').split(' (')[0]} ${key.daily_limit || '∞'}`,
  );
  if (key.expires_at) parts.push(t('expiresOn', { date: new Date(key.expires_at).toLocaleDateString(locale()) }));
  return parts.join(' · ');
}

const stateText = (key: ClientKeyView) =>
  key.state === 'active' ? t('active') : key.state === 'revoked' ? t('revoked') : t('expired');

function keyRow(key: ClientKeyView): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.id = key.id;
  const stats = usage.get(key.id);
  const cells = [
    key.name,
    key.masked,
    stateText(key),
    limitsText(key),
    stats ? t('usageLine', stats) : '…',
    when(key.created_at),
  ];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    row.append(td);
  }
  const actions = document.createElement('td');
  if (key.state !== 'revoked') {
    const revoke = async () => {
      if (!confirm(t('confirmRevoke', { name: key.name }))) return;
      await api(`/v1/admin/console/keys/${key.id}`, { method: 'DELETE' }).catch((error) => toast(messageOf(error)));
      load();
    };
    actions.append(button(t('revoke'), revoke, 'small danger', 'remove'));
  }
  row.append(actions);
  return row;
}

function render(): void {
  const body = $('#keys-body');
  body.replaceChildren();
  if (keys.length === 0) {
    const row = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 7;
    td.textContent = t('noKeys');
    row.append(td);
    body.append(row);
  }
  for (const key of keys) body.append(keyRow(key));
}

const numberOf = (selector: string) => Number($<HTMLInputElement>(selector).value || 0);

$('#key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#key-error').textContent = '';
  // The first key changes who may call /v1: say so and ask before it happens.
  if (!keys.some((key) => key.state === 'active') && !confirm(t('firstKeyConfirm'))) return;
  const expires = $<HTMLInputElement>('#key-expires').value;
  try {
    const made = await api<{ key: string }>('/v1/admin/console/keys', {
      method: 'POST',
      body: {
        name: $<HTMLInputElement>('#key-name').value.trim(),
        models: allowedModels(),
        rpm: numberOf('#key-rpm'),
        concurrency: numberOf('#key-concurrency'),
        daily_limit: numberOf('#key-daily'),
        expires_at: expires ? new Date(`${expires}T23:59:59`).getTime() : null,
      },
    });
    // The operator asked for this key: the one time it is in the page.
    $('#key-secret').textContent = made.key;
    $('#key-created').hidden = false;
    $('#copy-key').focus();
    $<HTMLFormElement>('#key-form').reset();
    load();
  } catch (error) {
    const param = error instanceof ApiFailure ? error.param : undefined;
    $('#key-error').textContent = (param ? `${param}: ` : '') + messageOf(error);
  }
});
$('#copy-key').addEventListener('click', async () => {
  await navigator.clipboard.writeText($('#key-secret').textContent || '').then(
    () => toast(t('copied')),
    () => {},
  );
});
$('#hide-key').addEventListener('click', () => {
  $('#key-secret').textContent = '';
  $('#key-created').hidden = true;
});

registerView('keys', { show: load, relabel: render });
