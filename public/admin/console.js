// The admin console. Plain browser JavaScript, no build step: every call goes through the
// documented admin API (/docs). Tokens arrive masked; a full token is fetched only when the
// operator presses Copy, and goes straight to the clipboard without entering the page.
(() => {
  const { t } = window.i18n;
  const $ = (selector) => document.querySelector(selector);
  const state = {
    csrf: null,
    query: { offset: 0, limit: 50, sort: 'created', order: 'desc', status: '', nsfw: '', pool: '', search: '' },
    page: null,
    /** ids picked by hand, or allMatching: the whole filter. */
    selection: new Set(),
    allMatching: false,
    jobSource: null,
    jobId: null,
  };

  class ApiFailure extends Error {
    constructor(status, body) {
      super(body?.error?.message || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, options = {}) {
    const headers = { ...(options.headers || {}) };
    if (options.body !== undefined && typeof options.body !== 'string' && !(options.body instanceof Blob)) {
      headers['content-type'] = 'application/json';
      options = { ...options, body: JSON.stringify(options.body) };
    }
    if (options.method && options.method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
    const response = await fetch(path, { ...options, headers, credentials: 'same-origin' });
    const type = response.headers.get('content-type') || '';
    const body = type.includes('application/json') ? await response.json() : await response.text();
    if (response.status === 401 && path !== '/v1/admin/session') showLogin();
    if (!response.ok) throw new ApiFailure(response.status, body);
    return body;
  }

  function toast(message) {
    const element = $('#toast');
    element.textContent = message;
    element.classList.add('visible');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => element.classList.remove('visible'), 2500);
  }

  // ---- sign-in ----
  const SIGNED_IN = 'grok2api.admin.signedIn';
  function showLogin() {
    localStorage.removeItem(SIGNED_IN);
    closeJobStream();
    $('#app-view').hidden = true;
    $('#login-view').hidden = false;
    $('#login-password').focus();
  }

  // ---- views (#accounts, #keys, …): other files register theirs on window.grokConsole.views ----
  const views = {
    accounts: {
      show() {
        loadAccounts();
        resumeLatestJob();
      },
    },
  };

  function route() {
    const name = views[location.hash.slice(1)] ? location.hash.slice(1) : 'accounts';
    currentView = name;
    for (const section of document.querySelectorAll('main > section.view'))
      section.hidden = section.id !== `${name}-view`;
    for (const link of document.querySelectorAll('.topbar nav a')) {
      if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    views[name].show();
  }
  let currentView = null;
  window.addEventListener('hashchange', () => {
    if ($('#app-view').hidden) return;
    // A view with unsaved edits (config) may keep the reader: the address goes back, nothing changes.
    const leaving = currentView && views[currentView];
    if (leaving?.canLeave && location.hash !== `#${currentView}` && !leaving.canLeave()) {
      history.replaceState(null, '', `#${currentView}`);
      return;
    }
    route();
  });

  // Upstream settings that do not look like today's web app (legacy statsig, dropped cookies).
  async function showUpstreamWarnings() {
    const banner = $('#upstream-warnings-banner');
    try {
      const status = await api('/v1/admin/status');
      const warnings = Array.isArray(status.warnings) ? status.warnings : [];
      banner.replaceChildren(
        ...warnings.map((warning) => {
          const item = document.createElement('li');
          item.dataset.code = warning.code;
          item.textContent = warning.message;
          return item;
        }),
      );
      banner.hidden = warnings.length === 0;
    } catch {
      banner.hidden = true;
    }
  }

  // The default-password banner leads straight to the field.
  $('#change-password-link').addEventListener('click', () => {
    window.grokConsole.focusConfig = 'app.app_key';
  });

  /** Signs in with `password`; the config page uses it after the admin password changed. */
  async function signIn(password) {
    const session = await api('/v1/admin/session', { method: 'POST', body: { password } });
    showApp(session);
    return session;
  }

  function showApp(session) {
    localStorage.setItem(SIGNED_IN, 'true');
    state.csrf = session.csrf_token || null;
    $('#default-password-banner').hidden = !session.default_password;
    $('#playground-open-banner').hidden = !session.playground_open;
    showUpstreamWarnings();
    $('#login-view').hidden = true;
    $('#app-view').hidden = false;
    route();
  }

  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#login-error').textContent = '';
    try {
      const session = await api('/v1/admin/session', {
        method: 'POST',
        body: { password: $('#login-password').value },
      });
      $('#login-password').value = '';
      showApp(session);
    } catch (error) {
      $('#login-error').textContent = error.status === 429 ? t('throttled') : t('wrongPassword');
    }
  });

  $('#logout').addEventListener('click', async () => {
    try {
      await api('/v1/admin/session', { method: 'DELETE' });
    } catch {
      /* already signed out */
    }
    state.csrf = null;
    showLogin();
  });

  for (const button of document.querySelectorAll('.lang-toggle')) {
    button.addEventListener('click', () => {
      window.i18n.toggle();
      if (state.page) renderAccounts();
      if (state.lastJob) renderJob(state.lastJob);
      for (const view of Object.values(views)) if (view.relabel) view.relabel();
    });
  }

  // ---- accounts table ----
  const STATUSES = ['', 'active', 'cooling', 'expired', 'disabled'];

  function queryString() {
    const parameters = new URLSearchParams();
    for (const [key, value] of Object.entries(state.query))
      if (value !== '' && value !== null) parameters.set(key, String(value));
    return parameters.toString();
  }

  function filterOnly() {
    const filter = {};
    if (state.query.status) filter.status = state.query.status;
    if (state.query.pool) filter.pool = state.query.pool;
    if (state.query.nsfw) filter.nsfw = state.query.nsfw === 'true';
    if (state.query.search) filter.search = state.query.search;
    return filter;
  }

  async function loadAccounts() {
    try {
      state.page = await api(`/v1/admin/console/accounts?${queryString()}`);
      renderAccounts();
    } catch (error) {
      if (error.status !== 401) toast(t('failed', { reason: error.message }));
    }
  }

  const when = (time) => (time ? new Date(time).toLocaleString() : t('never'));

  const COLUMN_LABELS = ['', 'token', 'pool', 'status', 'quota', 'uses', 'lastUsed', 'lastSync', 'tagsNote', ''];

  function cell(row, content, className) {
    const td = document.createElement('td');
    const label = COLUMN_LABELS[row.children.length];
    if (label) td.dataset.label = t(label);
    if (className) td.className = className;
    if (content instanceof Node) td.append(content);
    else td.textContent = content;
    row.append(td);
    return td;
  }

  function button(label, onClick, className) {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    if (className) element.className = className;
    element.addEventListener('click', onClick);
    return element;
  }

  function renderStatusFilters() {
    const container = $('#status-filters');
    container.replaceChildren();
    const counts = state.page ? state.page.counts : {};
    for (const status of STATUSES) {
      const chip = button(
        `${t(status || 'all')} (${counts[status || 'all'] ?? 0})`,
        () => {
          state.query.status = status;
          state.query.offset = 0;
          clearSelection();
          loadAccounts();
        },
        'chip',
      );
      chip.setAttribute('role', 'radio');
      chip.setAttribute('aria-checked', String(state.query.status === status));
      chip.dataset.status = status || 'all';
      container.append(chip);
    }
  }

  function renderAccounts() {
    const page = state.page;
    renderStatusFilters();
    const body = $('#accounts-body');
    body.replaceChildren();
    if (page.accounts.length === 0) {
      const row = document.createElement('tr');
      const filtered = Object.keys(filterOnly()).length > 0 || (page.counts && page.counts.all > 0);
      const box = document.createElement('div');
      box.className = 'empty-state';
      const text = document.createElement('p');
      text.textContent = t(filtered ? 'noAccounts' : 'noAccountsYet');
      box.append(text);
      // A fresh install: the next step, as a button.
      if (!filtered) box.append(button(t('importAccounts'), () => $('#open-import').click(), 'primary'));
      const only = cell(row, box, 'empty-cell');
      only.colSpan = 10;
      body.append(row);
    }
    for (const account of page.accounts) {
      const row = document.createElement('tr');
      row.dataset.id = account.id;
      const checkbox = document.createElement('input');
      checkbox.type = 'checkbox';
      checkbox.checked = state.allMatching || state.selection.has(account.id);
      checkbox.disabled = state.allMatching;
      checkbox.setAttribute('aria-label', `${t('selectRow')} ${account.token}`);
      checkbox.addEventListener('change', () => {
        if (checkbox.checked) state.selection.add(account.id);
        else state.selection.delete(account.id);
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
        button(t('copy'), () => copyToken(account.id), 'link small'),
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
      const actions = cell(row, '', 'actions');
      actions.append(
        button(
          t('refresh'),
          () =>
            rowAction(() => api(`/v1/admin/console/accounts/${account.id}/refresh`, { method: 'POST' }), 'refreshed'),
          'small',
        ),
        account.status === 'disabled'
          ? button(
              t('enable'),
              () =>
                rowAction(
                  () =>
                    api(`/v1/admin/console/accounts/${account.id}`, { method: 'PATCH', body: { status: 'active' } }),
                  'enabled',
                ),
              'small',
            )
          : button(
              t('disable'),
              () =>
                rowAction(
                  () =>
                    api(`/v1/admin/console/accounts/${account.id}`, { method: 'PATCH', body: { status: 'disabled' } }),
                  'disabledDone',
                ),
              'small',
            ),
        button(t('edit'), () => openEdit(account), 'small'),
        button(
          t('remove'),
          () => {
            if (confirm(t('confirmDelete', { n: 1 })))
              rowAction(() => api(`/v1/admin/console/accounts/${account.id}`, { method: 'DELETE' }), 'deleted');
          },
          'small danger',
        ),
      );
      body.append(row);
    }
    const from = page.total === 0 ? 0 : page.offset + 1;
    $('#page-info').textContent = t('pageInfo', { from, to: page.offset + page.accounts.length, total: page.total });
    $('#prev-page').disabled = page.offset === 0;
    $('#next-page').disabled = page.offset + page.accounts.length >= page.total;
    for (const header of document.querySelectorAll('button.sort')) {
      const sorted = header.dataset.sort === state.query.sort;
      header
        .closest('th')
        .setAttribute('aria-sort', sorted ? (state.query.order === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    renderSelection();
  }

  /** One row's action; the toast says what happened (`done` is its message key). */
  async function rowAction(call, done) {
    try {
      await call();
      toast(t(done));
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
    loadAccounts();
  }

  async function copyToken(id) {
    try {
      const { token } = await api(`/v1/admin/console/accounts/${id}/token`);
      await navigator.clipboard.writeText(token);
      toast(t('copied'));
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
  }

  // ---- selection ----
  function clearSelection() {
    state.selection.clear();
    state.allMatching = false;
    if (state.page) renderSelection();
  }

  function renderSelection() {
    const total = state.page ? state.page.total : 0;
    const count = state.allMatching ? total : state.selection.size;
    $('#selection-summary').textContent = state.allMatching
      ? t('selectedAll', { n: total })
      : count
        ? t('selected', { n: count })
        : t('noSelection');
    const pageIds = state.page ? state.page.accounts.map((account) => account.id) : [];
    const selectPage = $('#select-page');
    selectPage.checked = state.allMatching || (pageIds.length > 0 && pageIds.every((id) => state.selection.has(id)));
    selectPage.disabled = state.allMatching;
    $('#select-matching').textContent = t('selectAllMatching', { n: total });
    $('#select-matching').hidden = state.allMatching || total === 0;
    $('#run-batch').disabled = count === 0 || jobRunning();
    for (const checkbox of document.querySelectorAll('#accounts-body input[type=checkbox]')) {
      checkbox.checked = state.allMatching || state.selection.has(checkbox.closest('tr').dataset.id);
      checkbox.disabled = state.allMatching;
    }
  }

  $('#select-page').addEventListener('change', (event) => {
    for (const account of state.page.accounts) {
      if (event.target.checked) state.selection.add(account.id);
      else state.selection.delete(account.id);
    }
    renderSelection();
  });
  $('#select-matching').addEventListener('click', () => {
    state.allMatching = true;
    renderSelection();
  });
  $('#clear-selection').addEventListener('click', clearSelection);

  // ---- filters, sort, paging ----
  let searchTimer;
  $('#search').addEventListener('input', (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.query.search = event.target.value.trim();
      state.query.offset = 0;
      clearSelection();
      loadAccounts();
    }, 250);
  });
  for (const [selector, key] of [
    ['#nsfw-filter', 'nsfw'],
    ['#pool-filter', 'pool'],
  ]) {
    $(selector).addEventListener('change', (event) => {
      state.query[key] = event.target.value;
      state.query.offset = 0;
      clearSelection();
      loadAccounts();
    });
  }
  $('#page-size').addEventListener('change', (event) => {
    state.query.limit = Number(event.target.value);
    state.query.offset = 0;
    loadAccounts();
  });
  $('#prev-page').addEventListener('click', () => {
    state.query.offset = Math.max(0, state.query.offset - state.query.limit);
    loadAccounts();
  });
  $('#next-page').addEventListener('click', () => {
    state.query.offset += state.query.limit;
    loadAccounts();
  });
  for (const header of document.querySelectorAll('button.sort')) {
    header.addEventListener('click', () => {
      const key = header.dataset.sort;
      state.query.order = state.query.sort === key && state.query.order === 'desc' ? 'asc' : 'desc';
      state.query.sort = key;
      state.query.offset = 0;
      loadAccounts();
    });
  }

  // ---- batch jobs ----
  function target() {
    return state.allMatching ? { filter: filterOnly() } : { ids: [...state.selection] };
  }

  $('#run-batch').addEventListener('click', async () => {
    const action = $('#batch-action').value;
    const count = state.allMatching ? state.page.total : state.selection.size;
    if (action === 'delete' && !confirm(t('confirmDelete', { n: count }))) return;
    try {
      if (action === 'export') return await exportSelection();
      const job = await api('/v1/admin/console/jobs', { method: 'POST', body: { action, ...target() } });
      watchJob(job);
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
  });

  async function exportSelection() {
    const response = await fetch('/v1/admin/console/accounts/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': state.csrf || '' },
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

  function closeJobStream() {
    if (state.jobSource) state.jobSource.close();
    state.jobSource = null;
  }

  const jobRunning = () => Boolean(state.lastJob && state.lastJob.status === 'running' && !state.lastJob.stalled);

  function renderJob(job) {
    const status = job.stalled ? 'stalled' : job.status;
    $('#job-panel').hidden = false;
    $('#job-panel').dataset.status = status;
    state.lastJob = job;
    const actionKey = {
      refresh: 'actRefresh',
      enable: 'actEnable',
      disable: 'actDisable',
      delete: 'actDelete',
      enable_nsfw: 'actEnableNsfw',
      clear_assets: 'actClearAssets',
    }[job.action];
    $('#job-title').textContent = t('jobTitle', { action: actionKey ? t(actionKey) : job.action, status: t(status) });
    const progress = $('#job-progress');
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
    if (state.page) renderSelection();
  }
  $('#close-job').addEventListener('click', () => {
    $('#job-panel').hidden = true;
    state.lastJob = null;
  });

  function watchJob(job) {
    closeJobStream();
    state.jobId = job.id;
    renderJob(job);
    const source = new EventSource(`/v1/admin/console/jobs/${job.id}/events`);
    state.jobSource = source;
    source.addEventListener('progress', (event) => renderJob(JSON.parse(event.data)));
    source.addEventListener('end', () => {
      closeJobStream();
      clearSelection();
      loadAccounts();
    });
    source.onerror = () => closeJobStream();
  }

  async function resumeLatestJob() {
    try {
      const { jobs } = await api('/v1/admin/console/jobs');
      if (jobs[0] && jobs[0].status === 'running' && !jobs[0].stalled) watchJob(jobs[0]);
    } catch {
      /* the table still works without it */
    }
  }

  $('#cancel-job').addEventListener('click', async () => {
    if (state.jobId)
      await api(`/v1/admin/console/jobs/${state.jobId}/cancel`, { method: 'POST' }).catch((error) =>
        toast(error.message),
      );
  });

  // ---- add / import ----
  $('#open-import').addEventListener('click', () => {
    $('#import-result').textContent = '';
    $('#import-dialog').showModal();
    $('#import-text').focus();
  });
  $('#import-close').addEventListener('click', () => $('#import-dialog').close());
  $('#import-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = $('#import-file').files[0];
    const content = file ? '' : $('#import-text').value;
    if (!file && !content.trim()) return;
    try {
      // A file goes as the raw body: the server reads it in batches, so its size does not matter.
      const pool = encodeURIComponent($('#import-pool').value);
      const summary = file
        ? await api(`/v1/admin/tokens/import/file?pool=${pool}`, {
            method: 'POST',
            body: file,
            headers: { 'content-type': 'application/octet-stream' },
          })
        : await api('/v1/admin/tokens/import', { method: 'POST', body: { content, pool: $('#import-pool').value } });
      const rejected = summary.rejected || [];
      $('#import-result').textContent =
        t('importSummary', summary) + (rejected.length ? `\n${t('rejectedLines')}\n${rejected.join('\n')}` : '');
      $('#import-result').dataset.invalid = String(summary.invalid > 0);
      $('#import-text').value = '';
      $('#import-file').value = '';
      loadAccounts();
    } catch (error) {
      $('#import-result').textContent = t('failed', { reason: error.message });
    }
  });

  // ---- edit ----
  let editing = null;
  function openEdit(account) {
    editing = account;
    $('#edit-pool').value = account.pool;
    $('#edit-quota').value = account.quota;
    $('#edit-tags').value = account.tags.join(', ');
    $('#edit-note').value = account.note;
    $('#edit-error').textContent = '';
    $('#edit-dialog').showModal();
  }
  $('#edit-close').addEventListener('click', () => $('#edit-dialog').close());
  $('#edit-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/v1/admin/console/accounts/${editing.id}`, {
        method: 'PATCH',
        body: {
          pool: $('#edit-pool').value.trim(),
          quota: Number($('#edit-quota').value),
          tags: $('#edit-tags')
            .value.split(',')
            .map((tag) => tag.trim())
            .filter(Boolean),
          note: $('#edit-note').value,
        },
      });
      $('#edit-dialog').close();
      toast(t('saved'));
      loadAccounts();
    } catch (error) {
      $('#edit-error').textContent = error.message;
    }
  });

  // ---- start (after the other view scripts, which run once this one has defined grokConsole) ----
  window.grokConsole = { api, toast, button, views, when, signIn, focusConfig: null };
  window.i18n.apply();
  // A browser that never signed in goes straight to the form instead of asking the server first
  // (a 401 there would be the first thing a newcomer's console shows as an error).
  window.addEventListener('DOMContentLoaded', () => {
    if (localStorage.getItem(SIGNED_IN) !== 'true') return showLogin();
    api('/v1/admin/session').then(showApp, showLogin);
  });
})();
