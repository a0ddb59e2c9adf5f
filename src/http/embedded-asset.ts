/**
 * A file the server embeds: its path (a `with { type: 'file' }` import, embedded by
 * `bun build --compile`), or content made at bundle time (a page's script), loaded on first use.
 */
export type EmbeddedAsset = string | (() => Promise<Blob>);

/** What a response sends for the asset: the file, or the content loaded now. */
export const assetBody = async (asset: EmbeddedAsset): Promise<Blob> =>
  typeof asset === 'string' ? Bun.file(asset) : asset();
