// Media page: the local cache of generated images and videos — counts, sizes, previews a page at
// a time, and deleting one, the selected, or everything.
(() => {
  const { t } = window.i18n;
  const { api, toast, button, views, when } = window.grokConsole;
  const $ = (selector) => document.querySelector(selector);
  const state = { kind: 'image', offset: 0, limit: 24, page: null, selected: new Set() };

  const size = (bytes) =>
    bytes >= 1048576
      ? `${(bytes / 1048576).toFixed(1)} MB`
      : bytes >= 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${bytes} B`;

  async function load() {
    try {
      state.page = await api(`/v1/admin/console/media?kind=${state.kind}&offset=${state.offset}&limit=${state.limit}`);
      render();
    } catch (error) {
      if (error.status !== 401) toast(t('failed', { reason: error.message }));
    }
  }

  function render() {
    const page = state.page;
    if (!page) return;
    for (const kind of ['image', 'video']) {
      const tab = document.querySelector(`#media-tabs [data-kind=${kind}]`);
      tab.textContent = `${t(kind === 'image' ? 'images' : 'videos')} · ${page.counts[kind].count} · ${size(page.counts[kind].bytes)}`;
      tab.setAttribute('aria-selected', String(kind === state.kind));
    }
    const grid = $('#media-grid');
    grid.replaceChildren();
    if (page.items.length === 0) {
      const empty = document.createElement('p');
      empty.textContent = t('noMedia');
      grid.append(empty);
    }
    for (const item of page.items) {
      const card = document.createElement('figure');
      card.className = 'card media-item';
      card.dataset.name = item.name;
      let preview;
      if (item.kind === 'image') {
        preview = document.createElement('img');
        preview.loading = 'lazy';
        preview.alt = item.name;
      } else {
        preview = document.createElement('video');
        preview.controls = true;
        preview.preload = 'metadata';
      }
      preview.src = item.url;
      const caption = document.createElement('figcaption');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = state.selected.has(item.name);
      box.setAttribute('aria-label', `${t('selectFile')} ${item.name}`);
      box.addEventListener('change', () => {
        if (box.checked) state.selected.add(item.name);
        else state.selected.delete(item.name);
        renderSelection();
      });
      const name = document.createElement('span');
      name.className = 'media-name';
      name.textContent = item.name;
      const meta = document.createElement('small');
      meta.textContent = `${size(item.size)} · ${when(item.modified)}`;
      const link = document.createElement('a');
      link.href = item.url;
      link.download = item.name;
      link.textContent = t('download');
      caption.append(
        box,
        name,
        meta,
        link,
        button(t('remove'), () => removeNames([item.name]), 'small danger'),
      );
      card.append(preview, caption);
      grid.append(card);
    }
    $('#media-page-info').textContent = t('pageInfo', {
      from: page.total ? page.offset + 1 : 0,
      to: page.offset + page.items.length,
      total: page.total,
    });
    $('#media-prev').disabled = page.offset === 0;
    $('#media-next').disabled = page.offset + page.items.length >= page.total;
    renderSelection();
  }

  function renderSelection() {
    $('#media-delete-selected').disabled = state.selected.size === 0;
    $('#media-delete-selected').textContent = t('deleteSelected', { n: state.selected.size });
  }

  async function removeNames(names) {
    if (!confirm(t('confirmDeleteFiles', { n: names.length }))) return;
    try {
      const { removed } = await api('/v1/admin/console/media/delete', {
        method: 'POST',
        body: { kind: state.kind, names },
      });
      toast(t('removedFiles', { n: removed }));
      for (const name of names) state.selected.delete(name);
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
    load();
  }

  for (const tab of document.querySelectorAll('#media-tabs [data-kind]')) {
    tab.addEventListener('click', () => {
      state.kind = tab.dataset.kind;
      state.offset = 0;
      state.selected.clear();
      load();
    });
  }
  $('#media-prev').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - state.limit);
    load();
  });
  $('#media-next').addEventListener('click', () => {
    state.offset += state.limit;
    load();
  });
  $('#media-delete-selected').addEventListener('click', () => removeNames([...state.selected]));
  $('#media-clear').addEventListener('click', async () => {
    if (!confirm(t('confirmClear'))) return;
    try {
      const { removed } = await api('/v1/admin/console/media/clear', { method: 'POST', body: { kind: state.kind } });
      toast(t('removedFiles', { n: removed }));
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
    state.selected.clear();
    state.offset = 0;
    load();
  });

  // ---- online assets: per-account count (one listing) and clearing (a clear_assets batch job) ----
  const assets = { search: '', accounts: [], counts: new Map(), total: 0 };

  async function findAccounts() {
    assets.search = $('#assets-search').value.trim();
    try {
      const page = await api(`/v1/admin/console/accounts?limit=20&search=${encodeURIComponent(assets.search)}`);
      assets.accounts = page.accounts;
      assets.total = page.total;
      renderAssets();
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
  }

  function renderAssets() {
    const body = $('#assets-accounts');
    body.replaceChildren();
    if (assets.accounts.length === 0) {
      const row = body.insertRow();
      row.insertCell().textContent = t('noAccounts');
    }
    for (const account of assets.accounts) {
      const row = body.insertRow();
      row.dataset.id = account.id;
      const token = document.createElement('code');
      token.textContent = account.token;
      row.insertCell().append(token);
      const count = row.insertCell();
      count.className = 'asset-count';
      count.textContent = assets.counts.has(account.id) ? t('assetCount', { n: assets.counts.get(account.id) }) : '—';
      row.insertCell().append(
        button(t('countAssets'), () => countAssets(account.id), 'small'),
        button(t('actClearAssets'), () => clearAssets({ ids: [account.id] }, 1), 'small danger'),
      );
    }
    $('#assets-clear-matching').disabled = assets.total === 0;
  }

  async function countAssets(id) {
    try {
      const { count } = await api(`/v1/admin/console/accounts/${id}/assets`);
      assets.counts.set(id, count);
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
    renderAssets();
  }

  async function clearAssets(target, n) {
    if (!confirm(t('confirmClearAssets', { n }))) return;
    try {
      let job = await api('/v1/admin/console/jobs', { method: 'POST', body: { action: 'clear_assets', ...target } });
      const show = () =>
        ($('#assets-job').textContent =
          `${t('jobTitle', { action: t('actClearAssets'), status: t(job.stalled ? 'stalled' : job.status) })} — ${t('jobDetail', job)}` +
          (job.errors.length ? ` — ${job.errors[0].account}: ${job.errors[0].reason}` : ''));
      show();
      while (job.status === 'running' && !job.stalled) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        job = await api(`/v1/admin/console/jobs/${job.id}`);
        show();
      }
      $('#assets-job').dataset.status = job.status;
      for (const id of 'ids' in target ? target.ids : assets.accounts.map((account) => account.id))
        assets.counts.delete(id);
      renderAssets();
    } catch (error) {
      toast(t('failed', { reason: error.message }));
    }
  }

  $('#assets-find').addEventListener('click', findAccounts);
  $('#assets-search').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') findAccounts();
  });
  $('#assets-clear-matching').addEventListener('click', () =>
    clearAssets({ filter: assets.search ? { search: assets.search } : {} }, assets.total),
  );

  views.media = {
    show: () => {
      load();
      findAccounts();
    },
    relabel: () => {
      render();
      renderAssets();
    },
  };
})();
