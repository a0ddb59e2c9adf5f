import { $ } from '../common/dom';
import { t } from '../common/i18n';
import { accounts, jobRunning } from './accounts-state';

/** The selection: boxes ticked by hand, a whole page, or every account the filter matches. */

export function clearSelection(): void {
  accounts.selection.clear();
  accounts.allMatching = false;
  if (accounts.page) renderSelection();
}

export function renderSelection(): void {
  const total = accounts.page ? accounts.page.total : 0;
  const count = accounts.allMatching ? total : accounts.selection.size;
  $('#selection-summary').textContent = accounts.allMatching
    ? t('selectedAll', { n: total })
    : count
      ? t('selected', { n: count })
      : t('noSelection');
  const pageIds = accounts.page ? accounts.page.accounts.map((account) => account.id) : [];
  const selectPage = $<HTMLInputElement>('#select-page');
  selectPage.checked =
    accounts.allMatching || (pageIds.length > 0 && pageIds.every((id) => accounts.selection.has(id)));
  selectPage.disabled = accounts.allMatching;
  $('#select-matching').textContent = t('selectAllMatching', { n: total });
  $('#select-matching').hidden = accounts.allMatching || total === 0;
  $<HTMLButtonElement>('#run-batch').disabled = count === 0 || jobRunning();
  for (const checkbox of document.querySelectorAll<HTMLInputElement>('#accounts-body input[type=checkbox]')) {
    checkbox.checked = accounts.allMatching || accounts.selection.has(checkbox.closest('tr')!.dataset.id!);
    checkbox.disabled = accounts.allMatching;
  }
}

$('#select-page').addEventListener('change', (event) => {
  const checked = (event.target as HTMLInputElement).checked;
  for (const account of accounts.page?.accounts ?? []) {
    if (checked) accounts.selection.add(account.id);
    else accounts.selection.delete(account.id);
  }
  renderSelection();
});
$('#select-matching').addEventListener('click', () => {
  accounts.allMatching = true;
  renderSelection();
});
$('#clear-selection').addEventListener('click', clearSelection);
