import type { FunctionManifest, FunctionPage } from '../../src/playground/function-manifest';
import { $ } from '../common/dom';
import { t } from '../common/i18n';

/** The function-page manifest: which pages exist and how each reaches a backend (the server or the edge Worker). */

let manifest: FunctionManifest | null = null;
export const pageOf = (id: FunctionPage['id']) => manifest?.pages.find((page) => page.id === id);
export const manifestLoaded = () => manifest !== null;

const MODE_TEXT = { 'backend-forward-ready': 'modeReady', 'probe-only': 'modeProbe', 'init-only': 'modeInit' } as const;

export async function loadManifest(): Promise<void> {
  try {
    const response = await fetch('/v1/function/manifest');
    if (response.ok) manifest = await response.json();
  } catch {
    /* an older server without a manifest: every page streams straight to the gateway */
  }
  for (const id of ['chat', 'imagine', 'video'] as const) {
    const page = pageOf(id);
    const mode = page ? page.mode : 'backend-forward-ready';
    const status = $(`#${id}-status`);
    status.dataset.mode = mode;
    // Only a bridge that generates nothing needs saying; a connected backend is the normal case.
    const ready = mode === 'backend-forward-ready';
    if (id === 'chat') {
      status.textContent = t(MODE_TEXT[mode]);
      status.hidden = ready;
    } else status.textContent = ready ? '' : t(MODE_TEXT[mode]);
  }
}

/** A probe / init-only bridge's 202: accepted and checked, nothing generated. */
export const probeText = (body: { mode?: string; message?: string }) =>
  `${t(body.mode === 'init-only' ? 'turnInitOnly' : 'turnProbe')}: ${body.message}`;
