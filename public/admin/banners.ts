import { $ } from '../shared/dom';
import { api } from './api';
import type { Session, UpstreamWarning } from './api-types';

/** The banners under the top bar: the default password, an open playground, upstream settings that look wrong. */
export function showBanners(session: Session): void {
  $('#default-password-banner').hidden = !session.default_password;
  $('#playground-open-banner').hidden = !session.playground_open;
  showUpstreamWarnings();
}

// Upstream settings that do not look like today's web app (legacy statsig, dropped cookies).
async function showUpstreamWarnings(): Promise<void> {
  const banner = $('#upstream-warnings-banner');
  try {
    const status = await api<{ warnings?: UpstreamWarning[] }>('/v1/admin/status');
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
