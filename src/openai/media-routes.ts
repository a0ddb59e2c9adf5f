import { Elysia, type AnyElysia } from 'elysia';
import { filesRoutes } from '../media/files-routes';
import type { MediaServices } from '../media/media-feature';
import { imagesRoutes } from './images/images-routes';
import { videosRoutes } from './videos/videos-routes';

/**
 * /v1/images/*, /v1/videos/* and /v1/files/*. `protect` puts a plugin behind the client API's access
 * policy (src/http/access-gate.ts); /v1/files stays public: its links are handed to clients.
 */
export function mediaRoutes(services: MediaServices, protect: <T extends AnyElysia>(plugin: T) => T) {
  return new Elysia({ name: 'media' })
    .use(filesRoutes(services.cache))
    .use(protect(imagesRoutes(services)))
    .use(protect(videosRoutes(services)));
}
