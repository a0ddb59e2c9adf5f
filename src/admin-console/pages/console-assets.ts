import indexHtml from '../../../public/admin/index.html' with { type: 'file' };
import consoleCss from '../../../public/admin/console.css' with { type: 'file' };
import faviconSvg from '../../../public/admin/favicon.svg' with { type: 'file' };
import { browserBundle } from '../../http/browser-bundle' with { type: 'macro' };

/**
 * Every console file by its URL name. A `with { type: 'file' }` import is embedded by
 * `bun build --compile`; the script is the console's modules (public/admin) bundled into one.
 */
export const CONSOLE_ASSETS: Record<string, string | Blob> = {
  // Bun's types describe an .html import as an HTML bundle; with { type: 'file' } it is a path.
  'index.html': indexHtml as unknown as string,
  'console.css': consoleCss,
  'console.js': new Blob([browserBundle('public/admin/main.ts')]),
  'favicon.svg': faviconSvg,
};
