/**
 * The playground, one bundle (src/http/browser-bundle.ts): chat, imagine, video and voice against
 * the gateway's own API through /v1/function/*. Every module below wires its own part of index.html.
 */
import { apply, wireLanguageButtons } from '../common/i18n';
import { applyIcons } from '../common/icons';
import { followHash, relabelAll } from '../common/router';
import './chat';
import './imagine';
import { enter } from './key-gate';
import './video';
import './voice';

wireLanguageButtons(relabelAll);
followHash('#play-view', 'chat');
applyIcons();
apply();
window.addEventListener('DOMContentLoaded', enter);
