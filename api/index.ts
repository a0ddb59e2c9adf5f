import { openGateway, type Gateway } from '../src/gateway';

/**
 * The Vercel Function (vercel.json rewrites every path here; the Bun runtime runs it). One
 * gateway per function instance, opened on the first request. Instances are many, short-lived
 * and have only /tmp to write to, so local storage would give each its own empty pool that is
 * lost on the next cold start: set SERVER_STORAGE_TYPE/SERVER_STORAGE_URL to PostgreSQL (or
 * Redis). Without them the data folder defaults to /tmp/data and file logs are off, as in the
 * Python project's Vercel setup.
 */

const env = { DATA_DIR: '/tmp/data', LOG_FILE_ENABLED: 'false', ...process.env };
let gateway: Promise<Gateway> | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    gateway ??= openGateway({ env }).catch((error: unknown) => {
      gateway = undefined; // a failed start (e.g. the database unreachable) is retried by the next request
      throw error;
    });
    return (await gateway).handle(request);
  },
};
