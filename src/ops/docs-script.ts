import { browserBundle } from '../http/browser-bundle' with { type: 'macro' };

/** public/docs/main.ts as one script, imported on the first request for it (docs-routes.ts). */
export default new Blob([browserBundle('public/docs/main.ts')]);
