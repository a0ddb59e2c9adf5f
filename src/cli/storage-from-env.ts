import { openStorage, type Storage } from '../storage';

/** The storage `serve` would use, from the same variables (DATA_DIR, SERVER_STORAGE_TYPE, SERVER_STORAGE_URL). */
export function openConfiguredStorage(env: Record<string, string | undefined>): Promise<Storage> {
  return openStorage({
    type: env.SERVER_STORAGE_TYPE || 'local',
    url: env.SERVER_STORAGE_URL,
    dataDir: env.DATA_DIR || './data',
    secretKey: env.GROK2API_SECRET_KEY,
  });
}
