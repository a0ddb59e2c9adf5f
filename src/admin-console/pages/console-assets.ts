import indexHtml from '../../../public/admin/index.html' with { type: 'file' };
import consoleCss from '../../../public/admin/console.css' with { type: 'file' };
import consoleJs from '../../../public/admin/console.js' with { type: 'file' };
import i18nJs from '../../../public/admin/i18n.js' with { type: 'file' };
import keysJs from '../../../public/admin/keys.js' with { type: 'file' };
import configJs from '../../../public/admin/config.js' with { type: 'file' };
import configZhJs from '../../../public/admin/config-zh.js' with { type: 'file' };
import chartsJs from '../../../public/admin/charts.js' with { type: 'file' };
import dashboardJs from '../../../public/admin/dashboard.js' with { type: 'file' };
import mediaJs from '../../../public/admin/media.js' with { type: 'file' };
import faviconSvg from '../../../public/admin/favicon.svg' with { type: 'file' };

/** Every console file by its URL name; a `with { type: 'file' }` import is embedded by `bun build --compile`. */
export const CONSOLE_ASSETS: Record<string, string> = {
  // Bun's types describe an .html import as an HTML bundle; with { type: 'file' } it is a path.
  'index.html': indexHtml as unknown as string,
  'console.css': consoleCss,
  'console.js': consoleJs,
  'i18n.js': i18nJs,
  'keys.js': keysJs,
  'config.js': configJs,
  'config-zh.js': configZhJs,
  'charts.js': chartsJs,
  'dashboard.js': dashboardJs,
  'media.js': mediaJs,
  'favicon.svg': faviconSvg,
};
