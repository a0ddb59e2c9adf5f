import indexHtml from '../../../public/admin/index.html' with { type: 'file' };
import consoleCss from '../../../public/admin/console.css' with { type: 'file' };
import faviconSvg from '../../../public/admin/favicon.svg' with { type: 'file' };
import type { EmbeddedAsset } from '../../http/embedded-asset';

/** Every console file by its URL name; the script is the console's modules bundled into one. */
export const CONSOLE_ASSETS: Record<string, EmbeddedAsset> = {
  // Bun's types describe an .html import as an HTML bundle; with { type: 'file' } it is a path.
  'index.html': indexHtml as unknown as string,
  'console.css': consoleCss,
  'console.js': () => import('./console-script').then((script) => script.default),
  'favicon.svg': faviconSvg,
};
