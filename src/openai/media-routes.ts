import { routeGroups } from '../http/route-groups';
import { filesRoutes } from '../media/files-routes';
import type { MediaServices } from '../media/media-feature';
import { imagesRoutes } from './images/images-routes';
import { videosRoutes } from './videos/videos-routes';

/**
 * /v1/images/*, /v1/videos/* and /v1/files/*: the first two take the client API's keys, /v1/files
 * is public (its links are handed to clients).
 */
export function mediaRoutes(services: MediaServices) {
  return routeGroups('media', [filesRoutes(services.cache), imagesRoutes(services), videosRoutes(services)]);
}
