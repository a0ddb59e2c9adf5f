import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_ID_PATTERN } from '../storage/coordinator';

/**
 * Who this instance is across restarts, so a restart can free the request slots its earlier run
 * held (a `kill -9` skips releasing them; see Coordinator.releaseEarlierRun):
 * - `SERVER_INSTANCE_ID` when set (several instances on one store: give each its own, stable one,
 *   e.g. a StatefulSet pod name);
 * - otherwise an id kept in `DATA_DIR/instance-id`, made on the first start: a single instance
 *   restarting on its data folder is the same instance.
 * Each SERVER_WORKERS process appends its worker number. Two running instances must never share an
 * id: a restart of one would free the other's slots.
 */

export const INSTANCE_ID_FILE = 'instance-id';

export function instanceIdentity(env: Record<string, string | undefined>, dataDir: string): string {
  const configured = env.SERVER_INSTANCE_ID?.trim();
  if (configured && !INSTANCE_ID_PATTERN.test(configured)) {
    throw new Error(`SERVER_INSTANCE_ID may only use letters, digits, '.', '_' and '-' (at most 64 characters)`);
  }
  const base = configured || storedIdentity(dataDir);
  const worker = env.SERVER_WORKER_INDEX?.trim();
  return worker ? `${base.slice(0, 56)}-w${worker}` : base;
}

/** Reads the data folder's id, making it first if needed (workers starting together agree on one). */
function storedIdentity(dataDir: string): string {
  const path = join(dataDir, INSTANCE_ID_FILE);
  const existing = readIdentity(path);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const candidate = `gw-${randomBytes(6).toString('hex')}`;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${candidate}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, path); // fails if another process made it first: theirs wins
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  const stored = readIdentity(path);
  if (!stored) throw new Error(`${path} does not hold a valid instance id: delete it to make a new one`);
  return stored;
}

function readIdentity(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
  return INSTANCE_ID_PATTERN.test(text) ? text : null;
}
