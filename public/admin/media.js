// Media page: the local cache of generated images and videos — counts, sizes, previews a page at
// a time, and deleting one, the selected, or everything.
(function () {
  'use strict';
  const { t } = window.i18n;
  const { api, toast, button, views, when } = window.grokConsole;
  const $ = (selector) => document.querySelector(selector);
  const state = { kind: 'image', offset: 0, limit: 24, page: null, selected: new Set() };

  const size = (bytes) => (bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : bytes >= 1024 ? (bytes / 1024).toFixed(1) + ' KB' : bytes + ' B');

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
      box.setAttribute('aria-label', t('selectFile') + ' ' + item.name);
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
      caption.append(box, name, meta, link, button(t('remove'), () => removeNames([item.name]), 'small danger'));
      card.append(preview, caption);
      grid.append(card);
    }
    $('#media-page-info').textContent = t('pageInfo', { from: page.total ? page.offset + 1 : 0, to: page.offset + page.items.length, total: page.total });
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
      const { removed } = await api('/v1/admin/console/media/delete', { method: 'POST', body: { kind: state.kind, names } });
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
  $('#media-prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); load(); });
  $('#media-next').addEventListener('click', () => { state.offset += state.limit; load(); });
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

  views.media = { show: load, relabel: render };
})();
