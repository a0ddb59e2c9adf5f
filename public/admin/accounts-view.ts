import { accounts } from './accounts-state';
import { loadAccounts, renderAccounts } from './accounts-table';
import './edit-dialog';
import './import-dialog';
import { renderJob, resumeLatestJob } from './jobs';
import { registerView } from '../common/router';

/** #accounts: the table, the job that may be running, the import and edit dialogs. */
registerView('accounts', {
  show() {
    loadAccounts();
    resumeLatestJob();
  },
  relabel() {
    if (accounts.page) renderAccounts();
    if (accounts.lastJob) renderJob(accounts.lastJob);
  },
});
