import { randomUUID } from 'node:crypto';
import { mp4For, pngFor } from './media-bytes';

export interface GeneratedAsset {
  /** Path relative to the asset host, e.g. `users/<UID>/generated/<id>/image.jpg` (§11.5). */
  path: string;
  ownerUserId: string;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Media the simulated account generated, addressed like assets.grok.com does (§11.5). */
export class GeneratedAssets {
  private readonly assets = new Map<string, GeneratedAsset>();

  /** A final image and its partial preview; returns both paths. */
  addImage(ownerUserId: string): { id: string; finalPath: string; partialPath: string } {
    const id = randomUUID();
    const finalPath = `users/${ownerUserId}/generated/${id}/image.jpg`;
    const partialPath = `users/${ownerUserId}/generated/${id}-part-0/image.jpg`;
    this.put({ path: finalPath, ownerUserId, mimeType: 'image/png', bytes: pngFor(id, 8) });
    this.put({ path: partialPath, ownerUserId, mimeType: 'image/png', bytes: pngFor(`${id}-part`, 2) });
    return { id, finalPath, partialPath };
  }

  addVideo(
    ownerUserId: string,
    resolution: string,
    seconds: number,
    id: string = randomUUID(),
  ): { id: string; videoPath: string; thumbnailPath: string } {
    const videoPath = `users/${ownerUserId}/generated/${id}/generated_video.mp4`;
    const thumbnailPath = `users/${ownerUserId}/generated/${id}/preview_image.jpg`;
    this.put({ path: videoPath, ownerUserId, mimeType: 'video/mp4', bytes: mp4For(`${id} ${resolution} ${seconds}s`) });
    this.put({ path: thumbnailPath, ownerUserId, mimeType: 'image/png', bytes: pngFor(`${id}-thumb`) });
    return { id, videoPath, thumbnailPath };
  }

  /** An Imagine image: served to anyone, like imagine-public.x.ai (§11.5). */
  addPublic(path: string, bytes: Uint8Array<ArrayBuffer>): void {
    this.put({ path: path.replace(/^\//, ''), ownerUserId: '', mimeType: 'image/png', bytes });
  }

  get(path: string): GeneratedAsset | undefined {
    return this.assets.get(path);
  }

  private put(asset: GeneratedAsset): void {
    this.assets.set(asset.path, asset);
  }
}
