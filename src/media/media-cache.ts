import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Config } from '../config/schema';
import { ConcurrencyLimit } from '../upstream/concurrency-limit';
import { UpstreamError } from '../upstream/errors';
import type { MediaKind } from '../attachments/media-type';

/**
 * Generated media kept on disk under DATA_DIR/tmp/image and DATA_DIR/tmp/video
 * (docs/python-compatibility.md §1.7), because asset URLs need the owning account's
 * cookie and clients have none. Writes go to a temporary name and are renamed into place, so a
 * reader never sees half a file; the same name downloading twice at once is fetched once.
 */

export type OpenDownload = (url: string, token: string, signal?: AbortSignal) => Promise<Response>;

export interface MediaCacheOptions {
  /** DATA_DIR/tmp */
  directory: string;
  config: () => Config;
  openDownload: OpenDownload;
}

/** A file in the cache, as the admin listings show it. */
export interface CachedFile {
  name: string;
  kind: MediaKind;
  size: number;
  /** Modification time, epoch ms. */
  modified: number;
}

/** §11.6: the reference caps image downloads at 32 MiB; videos get more room. */
const MAX_BYTES: Record<MediaKind, number> = { image: 32 * 1024 * 1024, video: 512 * 1024 * 1024 };
/** Clean-up stops once usage is at or below this share of the limit, so it does not run on every write. */
const CLEAN_TARGET = 0.8;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** The cache name of an asset: its path with `/` turned into `-`, query dropped, odd characters removed. */
export function cacheNameFor(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? url;
  }
  const name = decodeURIComponentSafe(path)
    .replace(/^\/+/, '')
    .replace(/\//g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '');
  return (name || `asset-${randomBytes(6).toString('hex')}`).slice(-200);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A name a client may ask for: `/` becomes `-` (so the original path works too); anything else odd is refused. */
export function normaliseRequestedName(raw: string): string | null {
  const name = decodeURIComponentSafe(raw).replace(/^\/+/, '').replace(/\//g, '-');
  if (!SAFE_NAME.test(name) || name.includes('..')) return null;
  return name;
}

export class MediaCache {
  private readonly downloads: ConcurrencyLimit;
  private readonly inFlight = new Map<string, Promise<string>>();

  /** Bytes in both folders at the last scan (start-up, then after every download's clean-up check). */
  private measuredBytes = 0;

  constructor(private readonly options: MediaCacheOptions) {
    this.downloads = new ConcurrencyLimit(() => options.config().asset.download_concurrent);
    void this.scan().then((files) => (this.measuredBytes = files.reduce((sum, file) => sum + file.size, 0)));
  }

  /** Cache size for the metrics gauge, without touching the disk on the scrape. */
  usageBytes(): number {
    return this.measuredBytes;
  }

  folder(kind: MediaKind): string {
    return join(this.options.directory, kind);
  }

  /** The file of a cached name, or null when the name is unsafe; never a path outside the folder. */
  pathOf(kind: MediaKind, name: string): string | null {
    const safe = normaliseRequestedName(name);
    if (!safe) return null;
    const folder = resolve(this.folder(kind));
    const path = resolve(folder, safe);
    return path.startsWith(folder + sep) ? path : null;
  }

  /** Downloads `url` with the account's cookies unless already cached; returns the cache name. */
  async fetch(kind: MediaKind, url: string, token: string, signal?: AbortSignal): Promise<string> {
    const name = cacheNameFor(url);
    const key = `${kind}/${name}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const task = this.fetchOnce(kind, name, url, token, signal).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, task);
    return task;
  }

  /** Stores bytes we already hold (e.g. an image blob) under `name`. */
  async put(kind: MediaKind, name: string, bytes: Uint8Array): Promise<string> {
    const path = this.pathOf(kind, name);
    if (!path) throw new Error(`unsafe cache name ${JSON.stringify(name)}`);
    await mkdir(this.folder(kind), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
    await Bun.write(temporary, bytes);
    await rename(temporary, path);
    await this.cleanIfNeeded();
    return name;
  }

  async read(kind: MediaKind, name: string): Promise<Uint8Array | null> {
    const path = this.pathOf(kind, name);
    if (!path) return null;
    const file = Bun.file(path);
    return (await file.exists()) ? new Uint8Array(await file.arrayBuffer()) : null;
  }

  /** The finished files of one kind (downloads still being written are left out), in no order. */
  async list(kind: MediaKind): Promise<CachedFile[]> {
    const folder = this.folder(kind);
    const names = await readdir(folder).catch(() => [] as string[]);
    const files: CachedFile[] = [];
    for (const name of names) {
      if (name.endsWith('.part')) continue;
      const info = await stat(join(folder, name)).catch(() => null);
      if (info?.isFile()) files.push({ name, kind, size: info.size, modified: info.mtimeMs });
    }
    return files;
  }

  /** Deletes one cached file; false when there was none. Null when the name is not a cache name. */
  async remove(kind: MediaKind, name: string): Promise<boolean | null> {
    const path = this.pathOf(kind, name);
    if (!path) return null;
    const file = Bun.file(path);
    const exists = await file.exists();
    const size = exists ? file.size : 0;
    await rm(path, { force: true });
    this.measuredBytes = Math.max(0, this.measuredBytes - size);
    return exists;
  }

  private async fetchOnce(
    kind: MediaKind,
    name: string,
    url: string,
    token: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const path = this.pathOf(kind, name)!;
    if (await Bun.file(path).exists()) return name;
    const release = await this.downloads.acquire(signal);
    try {
      const timeoutSeconds = this.options.config().asset.download_timeout;
      const deadline = timeoutSeconds > 0 ? AbortSignal.timeout(timeoutSeconds * 1000) : undefined;
      const combined = [signal, deadline].filter((value): value is AbortSignal => value !== undefined);
      const response = await this.options.openDownload(
        url,
        token,
        combined.length > 0 ? AbortSignal.any(combined) : undefined,
      );
      await mkdir(this.folder(kind), { recursive: true });
      await writeBounded(response, path, MAX_BYTES[kind]);
    } finally {
      release();
    }
    await this.cleanIfNeeded();
    return name;
  }

  /** Oldest-first (by modification time) until both folders use ≤ 80 % of `cache.limit_mb`. */
  async cleanIfNeeded(): Promise<number> {
    const cache = this.options.config().cache;
    const files = await this.scan();
    let total = files.reduce((sum, file) => sum + file.size, 0);
    this.measuredBytes = total;
    const limit = cache.limit_mb * 1024 * 1024;
    if (!cache.enable_auto_clean || total <= limit) return 0;
    files.sort((left, right) => left.modified - right.modified);
    let removed = 0;
    for (const file of files) {
      if (total <= limit * CLEAN_TARGET) break;
      await rm(file.path, { force: true });
      total -= file.size;
      removed += 1;
    }
    this.measuredBytes = total;
    return removed;
  }

  private async scan(): Promise<{ path: string; size: number; modified: number }[]> {
    const files: { path: string; size: number; modified: number }[] = [];
    for (const kind of ['image', 'video'] as const) {
      for (const file of await this.list(kind)) {
        files.push({ path: join(this.folder(kind), file.name), size: file.size, modified: file.modified });
      }
    }
    return files;
  }
}

/** Streams the body to a temporary file, refusing more than `maxBytes`, then renames it into place. */
async function writeBounded(response: Response, path: string, maxBytes: number): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
  const handle = await open(temporary, 'w');
  let written = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        written += chunk.byteLength;
        if (written > maxBytes) {
          throw new UpstreamError({
            code: 'bad_response',
            message: `asset download: larger than ${maxBytes} bytes`,
            retryable: false,
            accountEffect: 'none',
          });
        }
        await handle.write(chunk);
      }
    }
    if (written === 0)
      throw new UpstreamError({
        code: 'bad_response',
        message: 'asset download: empty body',
        retryable: false,
        accountEffect: 'none',
      });
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
