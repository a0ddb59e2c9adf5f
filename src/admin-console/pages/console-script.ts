import { browserBundle } from '../../http/browser-bundle' with { type: 'macro' };

/**
 * The console's modules (public/admin) bundled into one script. A module of its own, imported on
 * the first request for it (console-assets.ts): an idle gateway whose console nobody opens does
 * not hold the script, and running from source does not bundle it at start-up.
 */
export default new Blob([browserBundle('public/admin/main.ts')]);
