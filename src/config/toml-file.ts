import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse, stringify } from 'smol-toml';
import { isPlainObject, type PlainObject } from './objects';

/** Reading and atomically replacing `config.toml`. */

export const CONFIG_FILE_NAME = 'config.toml';

/** The parsed file, or an empty object when there is none. A syntax error names the file. */
export async function readTomlFile(path: string): Promise<PlainObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed: unknown = parse(text);
    return isPlainObject(parsed) ? parsed : {};
  } catch (error) {
    throw new Error(`${basename(path)} is not valid TOML: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Writes to a temporary file in the same directory, flushes it to disk, then renames it over the
 * target: a crash leaves either the old file or the new one, never half of each. The file holds
 * secrets (admin and API keys), so it is created readable by its owner only.
 */
export async function writeTomlFileAtomically(path: string, values: PlainObject): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(stringify(values), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes the rename itself durable. Some platforms cannot open a directory; the rename still happened. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort only
  }
}
