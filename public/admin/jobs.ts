import { $, messageOf } from '../common/dom';
import { t, type StringKey } from '../common/i18n';
import { toast } from '../common/toast';
import { clearSelection, renderSelection } from './accounts-selection';
import { accounts, target } from './accounts-state';
import { loadAccounts } from './accounts-table';
import { api, csrfToken } from './api';
import type { JobView } from './api-types';
import { onSignOut } from './session';

/**
 * Batch jobs over the selection: started here, followed live over server-sent events, one at a
 * time (Run stays disabled while one runs); a finished job's panel can be closed.
 */

const ACTION_LABELS: Record<string, StringKey> = {
  refresh: 'actRefresh',
  enable: 'actEnable',
  disable: 'actDisable',
  delete: 'actDelete',
  enable_nsfw: 'actEnableNsfw',
  clear_assets: 'actClearAssets',
};

let jobSource: EventSource | null = null;
let jobId: string | null = null;

function closeJobStream(): void {
  jobSource?.close();
  jobSource = null;
}
onSignOut(closeJobStream);

export function renderJob(job: JobView): void {
  const status = job.stalled ? 'stalled' : job.status;
  const panel = $('#job-panel');
  panel.hidden = false;
  panel.dataset.status = status;
  accounts.lastJob = job;
  const actionKey = ACTION_LABELS[job.action];
  $('#job-title').textContent = t('jobTitle', { action: actionKey ? t(actionKey) : job.action, status: t(status) });
  const progress = $<HTMLProgressElement>('#job-progress');
  progress.max = Math.max(1, job.total);
  progress.value = job.processed;
  const errors = job.errors
    .slice(0, 3)
    .map((error) => `${error.account}: ${error.reason}`)
    .join('; ');
  $('#job-detail').textContent = t('jobDetail', job) + (errors ? ` — ${errors}` : '');
  $('#cancel-job').hidden = status !== 'running';
  // A finished job's panel can be closed; a running one cannot, and no second job starts meanwhile.
  $('#close-job').hidden = status === 'running';
  if (accounts.page) renderSelection();
}

function watchJob(job: JobView): void {
  closeJobStream();
  jobId = job.id;
  renderJob(job);
  const source = new EventSource(`/v1/admin/console/jobs/${job.id}/events`);
  jobSource = source;
  source.addEventListener('progress', (event) => renderJob(JSON.parse((event as MessageEvent<string>).data)));
  source.addEventListener('end', () => {
    closeJobStream();
    clearSelection();
    loadAccounts();
  });
  source.onerror = () => closeJobStream();
}

/** A job started before this page loaded (or in another tab) is followed again. */
export async function resumeLatestJob(): Promise<void> {
  try {
    const { jobs } = await api<{ jobs: JobView[] }>('/v1/admin/console/jobs');
    if (jobs[0] && jobs[0].status === 'running' && !jobs[0].stalled) watchJob(jobs[0]);
  } catch {
    /* the table still works without it */
  }
}

async function exportSelection(): Promise<void> {
  const response = await fetch('/v1/admin/console/accounts/export', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() || '' },
    body: JSON.stringify({ ...target(), format: 'token.json' }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = 'token.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$('#run-batch').addEventListener('click', async () => {
  const action = $<HTMLSelectElement>('#batch-action').value;
  const count = accounts.allMatching ? (accounts.page?.total ?? 0) : accounts.selection.size;
  if (action === 'delete' && !confirm(t('confirmDelete', { n: count }))) return;
  try {
    if (action === 'export') return await exportSelection();
    const job = await api<JobView>('/v1/admin/console/jobs', { method: 'POST', body: { action, ...target() } });
    watchJob(job);
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
});
$('#close-job').addEventListener('click', () => {
  $('#job-panel').hidden = true;
  accounts.lastJob = null;
});
$('#cancel-job').addEventListener('click', async () => {
  if (jobId)
    await api(`/v1/admin/console/jobs/${jobId}/cancel`, { method: 'POST' }).catch((error) => toast(messageOf(error)));
});
