import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { toast } from '../common/toast';
import { api } from './api';
import type { ConsoleAccount } from './api-types';

/** The edit dialog: one account's pool, quota, tags and note. */

let editing: { account: ConsoleAccount; onSaved: () => void } | null = null;
const field = (selector: string) => $<HTMLInputElement>(selector);

export function openEdit(account: ConsoleAccount, onSaved: () => void): void {
  editing = { account, onSaved };
  field('#edit-pool').value = account.pool;
  field('#edit-quota').value = String(account.quota);
  field('#edit-tags').value = account.tags.join(', ');
  field('#edit-note').value = account.note;
  $('#edit-error').textContent = '';
  $<HTMLDialogElement>('#edit-dialog').showModal();
}

$('#edit-close').addEventListener('click', () => $<HTMLDialogElement>('#edit-dialog').close());
$('#edit-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!editing) return;
  try {
    await api(`/v1/admin/console/accounts/${editing.account.id}`, {
      method: 'PATCH',
      body: {
        pool: field('#edit-pool').value.trim(),
        quota: Number(field('#edit-quota').value),
        tags: field('#edit-tags')
          .value.split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        note: field('#edit-note').value,
      },
    });
    $<HTMLDialogElement>('#edit-dialog').close();
    toast(t('saved'));
    editing.onSaved();
  } catch (error) {
    $('#edit-error').textContent = messageOf(error);
  }
});
