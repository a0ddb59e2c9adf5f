import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { loadAccounts } from './accounts-table';
import { api } from './api';
import type { ImportSummary } from './api-types';

/** Add / import: pasted tokens or a file; the result says how many were added and which lines were refused. */

$('#open-import').addEventListener('click', () => {
  $('#import-result').textContent = '';
  $<HTMLDialogElement>('#import-dialog').showModal();
  $('#import-text').focus();
});
$('#import-close').addEventListener('click', () => $<HTMLDialogElement>('#import-dialog').close());
$('#import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $<HTMLTextAreaElement>('#import-text');
  const fileInput = $<HTMLInputElement>('#import-file');
  const file = fileInput.files?.[0];
  const content = file ? '' : text.value;
  if (!file && !content.trim()) return;
  const pool = $<HTMLSelectElement>('#import-pool').value;
  const result = $('#import-result');
  try {
    // A file goes as the raw body: the server reads it in batches, so its size does not matter.
    const summary = file
      ? await api<ImportSummary>(`/v1/admin/tokens/import/file?pool=${encodeURIComponent(pool)}`, {
          method: 'POST',
          body: file,
          headers: { 'content-type': 'application/octet-stream' },
        })
      : await api<ImportSummary>('/v1/admin/tokens/import', { method: 'POST', body: { content, pool } });
    const rejected = summary.rejected || [];
    result.textContent =
      t('importSummary', summary) + (rejected.length ? `\n${t('rejectedLines')}\n${rejected.join('\n')}` : '');
    result.dataset.invalid = String(summary.invalid > 0);
    text.value = '';
    fileInput.value = '';
    loadAccounts();
  } catch (error) {
    result.textContent = t('failed', { reason: messageOf(error) });
  }
});
