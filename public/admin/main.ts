/**
 * The admin console, one bundle (src/http/browser-bundle.ts): every module below wires its own part
 * of index.html. Every call goes through the documented admin API (/docs).
 */
import { apply, wireLanguageButtons } from '../common/i18n';
import { applyIcons } from '../common/icons';
import { followHash, relabelAll } from '../common/router';
import './accounts-view';
import './config-page';
import './dashboard';
import './keys';
import './media';
import { renderWarnings } from './banners';
import { resumeSession } from './session';

wireLanguageButtons(() => {
  relabelAll();
  renderWarnings();
});
followHash('#app-view', 'accounts');
applyIcons();
apply();
window.addEventListener('DOMContentLoaded', resumeSession);
