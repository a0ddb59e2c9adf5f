import { $ } from '../common/dom';
import { hasText, t } from '../common/i18n';
import { api } from './api';
import type { CodedWarning, Session } from './api-types';

/** The banners under the top bar: the default password, an open playground, upstream settings that look wrong. */
export function showBanners(session: Session): void {
  $('#default-password-banner').hidden = !session.default_password;
  $('#playground-open-banner').hidden = !session.playground_open;
  showUpstreamWarnings();
}

/** A server warning in the reader's language, from its code and parameters; its English text when the code is new. */
function warningText(warning: CodedWarning): string {
  const key = `warning_${warning.code}`;
  return hasText(key) ? t(key, warning.params) : warning.message;
}

// Upstream settings that do not look like today's web app (legacy statsig, dropped cookies), and
// what the start-up said about config.toml and the environment.
async function showUpstreamWarnings(): Promise<void> {
  try {
    const status = await api<{ warnings?: CodedWarning[] }>('/v1/admin/status');
    const warnings = Array.isArray(status.warnings) ? status.warnings : [];
    shownWarnings = warnings;
    renderWarnings();
  } catch {
    shownWarnings = [];
    renderWarnings();
  }
}

let shownWarnings: CodedWarning[] = [];

/** Draws the warnings again, e.g. in the language just chosen. */
export function renderWarnings(): void {
  const banner = $('#upstream-warnings-banner');
  banner.replaceChildren(
    ...shownWarnings.map((warning) => {
      const item = document.createElement('li');
      item.dataset.code = warning.code;
      item.textContent = warningText(warning);
      // Two lines until opened: a click or Enter shows the whole warning.
      item.tabIndex = 0;
      item.setAttribute('role', 'button');
      item.setAttribute('aria-expanded', 'false');
      return item;
    }),
  );
  banner.hidden = shownWarnings.length === 0;
}

const toggleWarning = (target: EventTarget | null) => {
  const item = (target as Element | null)?.closest('li');
  if (item) item.setAttribute('aria-expanded', String(item.getAttribute('aria-expanded') !== 'true'));
};
$('#upstream-warnings-banner').addEventListener('click', (event) => toggleWarning(event.target));
$('#upstream-warnings-banner').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  toggleWarning(event.target);
});
