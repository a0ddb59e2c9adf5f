import type { Redis } from 'ioredis';
import type { ReferenceRow } from '../reference-layout';

/** The reference's Redis layout: `<prefix>pools` (set), `<prefix>pool:<pool>` (set of tokens), `<prefix>token:<token>` (hash). */
export async function readReferenceRedis(redis: Redis, prefix: string): Promise<ReferenceRow[]> {
  const rows: ReferenceRow[] = [];
  for (const pool of await redis.smembers(`${prefix}pools`)) {
    const tokens = await redis.smembers(`${prefix}pool:${pool}`);
    for (let start = 0; start < tokens.length; start += 500) {
      const slice = tokens.slice(start, start + 500);
      const pipeline = redis.pipeline();
      for (const token of slice) pipeline.hgetall(`${prefix}token:${token}`);
      const results = (await pipeline.exec()) ?? [];
      slice.forEach((token, index) => {
        const hash = results[index]?.[1];
        const fields = typeof hash === 'object' && hash !== null ? (hash as Record<string, string>) : {};
        rows.push({ pool, fields: { ...fields, token: fields.token || token } });
      });
    }
  }
  return rows;
}
