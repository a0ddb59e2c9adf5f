import { Elysia } from 'elysia';
import type { Config } from '../config/schema';
import { CONSOLE_ASSETS } from '../admin-console/pages/console-assets';
import { serveAsset } from '../admin-console/pages/console-pages';
import playgroundHtml from '../../public/playground/index.html' with { type: 'file' };
import playgroundJs from '../../public/playground/playground.js' with { type: 'file' };
import chatStatesJs from '../../public/playground/chat-states.js' with { type: 'file' };
import playgroundCss from '../../public/playground/playground.css' with { type: 'file' };

/** The playground's files (embedded like the console's); it shares the console's stylesheet and strings. */
const PLAYGROUND_ASSETS: Record<string, string> = {
  // Bun's types describe an .html import as an HTML bundle; with { type: 'file' } it is a path.
  'index.html': playgroundHtml as unknown as string,
  'playground.js': playgroundJs,
  'chat-states.js': chatStatesJs,
  'playground.css': playgroundCss,
  'console.css': CONSOLE_ASSETS['console.css']!,
  'i18n.js': CONSOLE_ASSETS['i18n.js']!,
};

/** /playground: 404 unless `app.function_enabled` (../shared/spec/reference-behaviour.md §2). */
export function playgroundPages(config: () => Config) {
  const serve = (name: string) => (config().app.function_enabled ? serveAsset(PLAYGROUND_ASSETS, name) : new Response('Not found', { status: 404 }));
  return new Elysia({ name: 'playground-pages' })
    .get('/playground', () => serve('index.html'), { detail: { hide: true } })
    .get('/playground/', () => serve('index.html'), { detail: { hide: true } })
    .get('/playground/assets/:name', ({ params }) => serve(params.name), { detail: { hide: true } });
}
