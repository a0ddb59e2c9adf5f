import { $, button, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { toast } from '../common/toast';
import { api } from './api';
import type { AccountsPage, ConsoleAccount, JobView } from './api-types';

/** Online assets: files an account keeps on grok.com; counted one account at a time, cleared by a clear_assets job. */

const assets = { search: '', accounts: [] as ConsoleAccount[], counts: new Map<string, number>(), total: 0 };

export async function findAccounts(): Promise<void> {
  assets.search = $<HTMLInputElement>('#assets-search').value.trim();
  try {
    const page = await api<AccountsPage>(
      `/v1/admin/console/accounts?limit=20&search=${encodeURIComponent(assets.search)}`,
    );
    assets.accounts = page.accounts;
    assets.total = page.total;
    renderAssets();
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
}

export function renderAssets(): void {
  const body = $<HTMLTableSectionElement>('#assets-accounts');
  body.replaceChildren();
  if (assets.accounts.length === 0) body.insertRow().insertCell().textContent = t('noAccounts');
  for (const account of assets.accounts) {
    const row = body.insertRow();
    row.dataset.id = account.id;
    const token = document.createElement('code');
    token.textContent = account.token;
    row.insertCell().append(token);
    const count = row.insertCell();
    count.className = 'asset-count';
    const known = assets.counts.get(account.id);
    count.textContent = known === undefined ? '—' : t('assetCount', { n: known });
    row.insertCell().append(
      button(t('countAssets'), () => countAssets(account.id), 'small'),
      button(t('actClearAssets'), () => clearAssets({ ids: [account.id] }, 1), 'small danger'),
    );
  }
  $<HTMLButtonElement>('#assets-clear-matching').disabled = assets.total === 0;
}

async function countAssets(id: string): Promise<void> {
  try {
    const { count } = await api<{ count: number }>(`/v1/admin/console/accounts/${id}/assets`);
    assets.counts.set(id, count);
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
  renderAssets();
}

function showJob(job: JobView): void {
  const title = t('jobTitle', { action: t('actClearAssets'), status: t(job.stalled ? 'stalled' : job.status) });
  const firstError = job.errors.length ? ` — ${job.errors[0]!.account}: ${job.errors[0]!.reason}` : '';
  $('#assets-job').textContent = `${title} — ${t('jobDetail', job)}${firstError}`;
}

async function clearAssets(target: { ids: string[] } | { filter: Record<string, string> }, n: number): Promise<void> {
  if (!confirm(t('confirmClearAssets', { n }))) return;
  try {
    let job = await api<JobView>('/v1/admin/console/jobs', {
      method: 'POST',
      body: { action: 'clear_assets', ...target },
    });
    showJob(job);
    while (job.status === 'running' && !job.stalled) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await api<JobView>(`/v1/admin/console/jobs/${job.id}`);
      showJob(job);
    }
    $('#assets-job').dataset.status = job.status;
    for (const id of 'ids' in target ? target.ids : assets.accounts.map((account) => account.id))
      assets.counts.delete(id);
    renderAssets();
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
}

$('#assets-find').addEventListener('click', findAccounts);
$('#assets-search').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') findAccounts();
});
$('#assets-clear-matching').addEventListener('click', () =>
  clearAssets({ filter: assets.search ? { search: assets.search } : {} }, assets.total),
);
