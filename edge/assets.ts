/**
 * The playground's files, bundled into the Worker as text from the same source tree the main
 * server embeds (public/playground and the console's shared stylesheet).
 */
import indexHtml from '../public/playground/index.html' with { type: 'text' };
import playgroundCss from '../public/playground/playground.css' with { type: 'text' };
import consoleCss from '../public/admin/console.css' with { type: 'text' };
import faviconSvg from '../public/admin/favicon.svg' with { type: 'text' };
import { browserBundle } from '../src/http/browser-bundle' with { type: 'macro' };

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

// Bun's types describe these imports as files or HTML bundles; with { type: 'text' } each is the file's text.
export const EDGE_ASSETS: Record<string, string> = {
  'index.html': indexHtml as unknown as string,
  // public/playground's modules with marked + DOMPurify + highlight.js, bundled when the Worker is
  // bundled (a Bun macro), as on the server.
  'playground.js': browserBundle('public/playground/main.ts'),
  'playground.css': playgroundCss as unknown as string,
  'console.css': consoleCss as unknown as string,
  'favicon.svg': faviconSvg as unknown as string,
};

export function assetResponse(name: string): Response {
  const text = EDGE_ASSETS[name];
  if (text === undefined) return new Response('Not found', { status: 404 });
  const extension = name.slice(name.lastIndexOf('.') + 1);
  return new Response(text, {
    headers: {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    },
  });
}
