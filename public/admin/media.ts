import { $, button, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { toast } from '../common/toast';
import { api, statusOf } from './api';
import type { MediaKind, MediaPage } from './api-types';
import { when } from './format';
import { findAccounts, renderAssets } from './online-assets';
import { registerView } from '../common/router';

/**
 * Media page: the local cache of generated images and videos — counts, sizes, previews a page at
 * a time, and deleting one, the selected, or everything — and the accounts' online assets.
 */

const state = { kind: 'image' as MediaKind, offset: 0, limit: 24, page: null as MediaPage | null };
const selected = new Set<string>();

const size = (bytes: number) =>
  bytes >= 1048576
    ? `${(bytes / 1048576).toFixed(1)} MB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${bytes} B`;

async function load(): Promise<void> {
  try {
    state.page = await api<MediaPage>(
      `/v1/admin/console/media?kind=${state.kind}&offset=${state.offset}&limit=${state.limit}`,
    );
    render();
  } catch (error) {
    if (statusOf(error) !== 401) toast(t('failed', { reason: messageOf(error) }));
  }
}

function mediaCard(item: MediaPage['items'][number]): HTMLElement {
  const card = document.createElement('figure');
  card.className = 'card media-item';
  card.dataset.name = item.name;
  let preview: HTMLImageElement | HTMLVideoElement;
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
  box.checked = selected.has(item.name);
  box.setAttribute('aria-label', `${t('selectFile')} ${item.name}`);
  box.addEventListener('change', () => {
    if (box.checked) selected.add(item.name);
    else selected.delete(item.name);
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
    button(t('remove'), () => removeNames([item.name]), 'small danger', 'remove'),
  );
  card.append(preview, caption);
  return card;
}

function render(): void {
  const page = state.page;
  if (!page) return;
  for (const kind of ['image', 'video'] as const) {
    const tab = $(`#media-tabs [data-kind=${kind}]`);
    const counts = page.counts[kind];
    tab.textContent = `${t(kind === 'image' ? 'images' : 'videos')} · ${counts.count} · ${size(counts.bytes)}`;
    tab.setAttribute('aria-selected', String(kind === state.kind));
  }
  const grid = $('#media-grid');
  grid.replaceChildren();
  if (page.items.length === 0) {
    const empty = document.createElement('p');
    empty.textContent = t('noMedia');
    grid.append(empty);
  }
  for (const item of page.items) grid.append(mediaCard(item));
  $('#media-page-info').textContent = t('pageInfo', {
    from: page.total ? page.offset + 1 : 0,
    to: page.offset + page.items.length,
    total: page.total,
  });
  $<HTMLButtonElement>('#media-prev').disabled = page.offset === 0;
  $<HTMLButtonElement>('#media-next').disabled = page.offset + page.items.length >= page.total;
  renderSelection();
}

function renderSelection(): void {
  const deleteSelected = $<HTMLButtonElement>('#media-delete-selected');
  deleteSelected.disabled = selected.size === 0;
  deleteSelected.textContent = t('deleteSelected', { n: selected.size });
}

async function removeNames(names: string[]): Promise<void> {
  if (!confirm(t('confirmDeleteFiles', { n: names.length }))) return;
  try {
    const { removed } = await api<{ removed: number }>('/v1/admin/console/media/delete', {
      method: 'POST',
      body: { kind: state.kind, names },
    });
    toast(t('removedFiles', { n: removed }));
    for (const name of names) selected.delete(name);
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
  load();
}

for (const tab of document.querySelectorAll<HTMLElement>('#media-tabs [data-kind]')) {
  tab.addEventListener('click', () => {
    state.kind = tab.dataset.kind as MediaKind;
    state.offset = 0;
    selected.clear();
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
$('#media-delete-selected').addEventListener('click', () => removeNames([...selected]));
$('#media-clear').addEventListener('click', async () => {
  if (!confirm(t('confirmClear'))) return;
  try {
    const { removed } = await api<{ removed: number }>('/v1/admin/console/media/clear', {
      method: 'POST',
      body: { kind: state.kind },
    });
    toast(t('removedFiles', { n: removed }));
  } catch (error) {
    toast(t('failed', { reason: messageOf(error) }));
  }
  selected.clear();
  state.offset = 0;
  load();
});

registerView('media', {
  show: () => {
    load();
    findAccounts();
  },
  relabel: () => {
    render();
    renderAssets();
  },
});
