import { Elysia } from 'elysia';
import type { Config } from '../config/schema';
import { CONSOLE_ASSETS } from '../admin-console/pages/console-assets';
import type { EmbeddedAsset } from '../http/embedded-asset';
import { serveAsset } from '../admin-console/pages/console-pages';
import playgroundHtml from '../../public/playground/index.html' with { type: 'file' };
import playgroundCss from '../../public/playground/playground.css' with { type: 'file' };
// LiveKit's own browser client (Apache-2.0), embedded so the voice page needs no CDN. The UMD
// bundle has no declaration and the package's exports hide it, hence the relative path; with
// { type: 'file' } the import is the file's path, a string.
// @ts-expect-error TS7016: no declaration file for the UMD bundle
import livekitClientJs from '../../node_modules/livekit-client/dist/livekit-client.umd.js' with { type: 'file' };
import { routeGroup } from '../http/route-groups';

/** The playground's files (embedded like the console's); it shares the console's stylesheet. */
const PLAYGROUND_ASSETS: Record<string, EmbeddedAsset> = {
  // Bun's types describe an .html import as an HTML bundle; with { type: 'file' } it is a path.
  'index.html': playgroundHtml as unknown as string,
  'playground.js': () => import('./playground-script').then((script) => script.default),
  'playground.css': playgroundCss,
  'livekit-client.js': livekitClientJs as string,
  'console.css': CONSOLE_ASSETS['console.css']!,
};

/** The voice page dials the configured LiveKit server (wss, and https for its region probe). */
function playgroundCsp(livekitUrl: string): string {
  let livekit = '';
  try {
    const host = new URL(livekitUrl).host;
    if (host) livekit = ` wss://${host} https://${host}`;
  } catch {
    // Empty or not a URL: voice is off, nothing else may be reached.
  }
  return `default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'${livekit}; frame-ancestors 'none'`;
}

/** /playground: 404 unless `app.function_enabled` (docs/python-compatibility.md §2). */
export function playgroundPages(config: () => Config) {
  const serve = async (name: string) => {
    if (!config().app.function_enabled) return new Response('Not found', { status: 404 });
    const response = await serveAsset(PLAYGROUND_ASSETS, name);
    // The voice page talks to LiveKit itself (§15): the only other origin any page may reach.
    response.headers.set('content-security-policy', playgroundCsp(config().voice.livekit_url));
    return response;
  };
  return routeGroup(
    { access: 'public' },
    new Elysia({ name: 'playground-pages' })
      .get('/playground', () => serve('index.html'), { detail: { hide: true } })
      .get('/playground/', () => serve('index.html'), { detail: { hide: true } })
      .get('/playground/assets/:name', ({ params }) => serve(params.name), { detail: { hide: true } }),
  );
}
