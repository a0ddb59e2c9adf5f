import { browserBundle } from '../http/browser-bundle' with { type: 'macro' };

/**
 * public/playground's modules with marked + DOMPurify + highlight.js bundled into one script,
 * imported on the first request for it (playground-pages.ts), like the console's.
 */
export default new Blob([browserBundle('public/playground/main.ts')]);
