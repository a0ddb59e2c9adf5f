import { $, button, messageOf } from '../common/dom';
import { t, type StringKey } from '../common/i18n';
import { toast } from '../common/toast';
import { clearSelection, renderSelection } from './accounts-selection';
import { accounts, filterOnly, queryString } from './accounts-state';
import { api, statusOf } from './api';
import type { AccountsPage, ConsoleAccount } from './api-types';
import { openEdit } from './edit-dialog';
import { when } from './format';

/**
 * The accounts table: filters, sort, paging and one row per account. Tokens arrive masked; a full
 * token is fetched only when the operator presses Copy, and goes straight to the clipboard.
 */

const STATUSES = ['', 'active', 'cooling', 'expired', 'disabled'] as const;
const COLUMN_LABELS: (StringKey | '')[] = [
  '',
  'token',
  'pool',
  'status',
  'quota',
  'uses',
  'lastUsed',
  'lastSync',
  'tagsNote',
  '',
];

export async function loadAccounts(): Promise<void> {
  try {
    accounts.page = await api<AccountsPage>(`/v1/admin/console/accounts?${queryString()}`);
    renderAccounts();
  } catch (error) {
    if (statusOf(error) !== 401) toast(t('failed', { reason: messageOf(error) }));
  }
}

function cell(row: HTMLTableRowElement, content: Node | string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  const label = COLUMN_LABELS[row.children.length];
  if (label) td.dataset.label = t(label);
  if (className) td.className = className;
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  row.append(td);
  return td;
}

function renderStatusFilters(): void {
  const container = $('#status-filters');
  container.replaceChildren();
  const counts = accounts.page ? accounts.page.counts : {};
  for (const status of STATUSES) {
    const chip = button(
      `${t(status || 'all')} (${counts[status || 'all'] ?? 0})`,
      () => {
        accounts.query.status = status;
        accounts.query.offset = 0;
        clearSelection();
        loadAccounts();
      },
      'chip',
    );
    chip.setAttribute('role', 'radio');
    chip.setAttribute('aria-checked', String(accounts.query.status === status));
    chip.dataset.status = status || 'all';
    container.append(chip);
  }
}

/** A fresh install shows the next step, as a button; a filter that matches nothing says so. */
function emptyRow(page: AccountsPage): HTMLTableRowElement {
  const row = document.createElement('tr');
  const filtered = Object.keys(filterOnly()).length > 0 || (page.counts && (page.counts.all ?? 0) > 0);
  const box = document.createElement('div');
  box.className = 'empty-state';
  const text = document.createElement('p');
  text.textContent = t(filtered ? 'noAccounts' : 'noAccountsYet');
  box.append(text);
  if (!filtered) box.append(button(t('importAccounts'), () => $('#open-import').click(), 'primary', 'import'));
  cell(row, box, 'empty-cell').colSpan = 10;
  return row;
}

function accountRow(account: ConsoleAccount): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.id = account.id;
  const checkbox = document.createElement('input');
  checkbox.type = 'checkbox';
  checkbox.checked = accounts.allMatching || accounts.selection.has(account.id);
  checkbox.disabled = accounts.allMatching;
  checkbox.setAttribute('aria-label', `${t('selectRow')} ${account.token}`);
  checkbox.addEventListener('change', () => {
    if (checkbox.checked) accounts.selection.add(account.id);
    else accounts.selection.delete(account.id);
    renderSelection();
  });
  cell(row, checkbox);
  const tokenCell = cell(row, '', 'token');
  const code = document.createElement('code');
  code.textContent = account.token;
  const shortId = document.createElement('small');
  shortId.textContent = ` #${account.id.slice(0, 6)}`;
  shortId.title = `id ${account.id}`;
  tokenCell.append(
    code,
    shortId,
    button(t('copy'), () => copyToken(account.id), 'link small', 'copy'),
  );
  cell(row, account.pool);
  const status = cell(row, '');
  const badge = document.createElement('span');
  // Until its first sync an account's state and quota are guesses: say so instead of "Active".
  const unchecked = !account.last_sync_at && account.status === 'active';
  badge.className = `badge ${unchecked ? 'unchecked' : account.status}`;
  badge.textContent = t(unchecked ? 'unchecked' : account.status);
  if (unchecked) badge.title = t('uncheckedHint');
  status.append(badge);
  const reason = account.status_reason || account.last_fail_reason;
  if (reason) {
    const small = document.createElement('small');
    small.textContent = reason;
    status.append(document.createElement('br'), small);
  }
  // One format: remaining / total; a dash until the upstream has told us.
  cell(row, unchecked ? '—' : `${account.quota} / ${account.quota_total || account.quota}`);
  cell(row, String(account.use_count));
  cell(row, when(account.last_used_at));
  cell(row, when(account.last_sync_at));
  cell(row, [account.tags.join(', '), account.note].filter(Boolean).join(' · '));
  cell(row, '', 'actions').append(...rowButtons(account));
  return row;
}

function rowButtons(account: ConsoleAccount): HTMLButtonElement[] {
  const path = `/v1/admin/console/accounts/${account.id}`;
  const setStatus = (status: 'active' | 'disabled', done: StringKey) => () =>
    rowAction(() => api(path, { method: 'PATCH', body: { status } }), done);
  return [
    button(
      t('refresh'),
      () => rowAction(() => api(`${path}/refresh`, { method: 'POST' }), 'refreshed'),
      'small',
      'refresh',
    ),
    account.status === 'disabled'
      ? button(t('enable'), setStatus('active', 'enabled'), 'small', 'enable')
      : button(t('disable'), setStatus('disabled', 'disabledDone'), 'small', 'disable'),
    button(t('edit'), () => openEdit(account, loadAccounts), 'small', 'edit'),
    button(
      t('remove'),
      () => {
        if (confirm(t('confirmDelete', { n: 1 }))) rowAction(() => api(path, { method: 'DELETE' }), 'deleted');
      },
      'small danger',
      'remove',
    ),
  ];
}

export function renderAccounts(): void {
  const page = accounts.page;
  if (!page) return;
  renderStatusFilters();
  const body = $('#accounts-body');
  body.replaceChildren();
  if (page.accounts.length === 0) body.append(emptyRow(page));
  for (const account of page.accounts) body.append(accountRow(account));
  const from = page.total === 0 ? 0 : page.offset + 1;
  $('#page-info').textContent = t('pageInfo', { from, to: page.offset + page.accounts.length, total: page.total });
  $<HTMLButtonElement>('#prev-page').disabled = page.offset === 0;
  $<HTMLButtonElement>('#next-page').disabled = page.offset + page.accounts.length >= page.total;
  for (const header of document.querySelectorAll<HTMLElement>('button.sort')) {
    const sorted = header.dataset.sort === accounts.query.sort;
    const order = accounts.query.order === 'asc' ? 'ascending' : 'descending';
    header.closest('th')!.setAttribute('aria-sort', sorted ? order : 'none');
  }
  renderSelection();
}

/** One row's action; the toast says what happened (`done` is its message key). */
async function rowAction(call: () => Promise<unknown>, done: StringKey): Promise<void> {
  try {
    await call();
    toast(t(done));
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
  loadAccounts();
}

async function copyToken(id: string): Promise<void> {
  try {
    const { token } = await api<{ token: string }>(`/v1/admin/console/accounts/${id}/token`);
    await navigator.clipboard.writeText(token);
    toast(t('copied'));
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
}

// ---- filters, sort, paging ----
const reload = () => {
  accounts.query.offset = 0;
  clearSelection();
  loadAccounts();
};
let searchTimer: ReturnType<typeof setTimeout> | undefined;
$<HTMLInputElement>('#search').addEventListener('input', (event) => {
  clearTimeout(searchTimer);
  const value = (event.target as HTMLInputElement).value;
  searchTimer = setTimeout(() => {
    accounts.query.search = value.trim();
    reload();
  }, 250);
});
for (const [selector, key] of [
  ['#nsfw-filter', 'nsfw'],
  ['#pool-filter', 'pool'],
] as const) {
  $(selector).addEventListener('change', (event) => {
    accounts.query[key] = (event.target as HTMLSelectElement).value;
    reload();
  });
}
$('#page-size').addEventListener('change', (event) => {
  accounts.query.limit = Number((event.target as HTMLSelectElement).value);
  accounts.query.offset = 0;
  loadAccounts();
});
$('#prev-page').addEventListener('click', () => {
  accounts.query.offset = Math.max(0, accounts.query.offset - accounts.query.limit);
  loadAccounts();
});
$('#next-page').addEventListener('click', () => {
  accounts.query.offset += accounts.query.limit;
  loadAccounts();
});
for (const header of document.querySelectorAll<HTMLElement>('button.sort')) {
  header.addEventListener('click', () => {
    const key = header.dataset.sort!;
    accounts.query.order = accounts.query.sort === key && accounts.query.order === 'desc' ? 'asc' : 'desc';
    accounts.query.sort = key;
    accounts.query.offset = 0;
    loadAccounts();
  });
}
