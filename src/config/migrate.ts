import { SECTION_NAMES, type SectionName } from './schema';
import { keySchema } from './validate';
import { isPlainObject, type PlainObject } from './objects';
import { type CodedWarning, codedWarning } from './coded-warning';

/**
 * Accepts the config.toml layouts of older reference releases
 * (docs/python-compatibility.md §6.4) by moving their keys to where the schema keeps
 * them now. Decisions:
 * - Legacy sections (`[grok]`, `[network]`, `[security]`, `[timeout]`, `[performance]`) are
 *   dissolved. A key goes, in this order of preference, to: an explicit rule below (fan-outs);
 *   `<section>_<key>` / `<section>_max_concurrent` spelled as one name (e.g. `video_timeout`,
 *   `nsfw_max_concurrent`); the one current section owning a key of that name (`api_key` → app,
 *   `base_proxy_url` → proxy, `cf_clearance` → proxy, `max_retry` → retry).
 * - A name several sections own (`concurrent`, `stream_timeout`, `nsfw`…) is not guessed: it is
 *   reported and left out, so the operator places it.
 * - A value already set in the current layout wins over a legacy one: the operator wrote it later.
 * - Values move unchanged; validation afterwards names the new key if one is wrong.
 * - Nothing is written here. The migrated layout reaches the file on the next config update, and
 *   the legacy sections are gone from it then (every key was moved or reported).
 */

const LEGACY_SECTIONS = ['grok', 'network', 'security', 'timeout', 'performance'] as const;

const SERVICE_TIMEOUTS = ['chat.timeout', 'image.timeout', 'video.timeout', 'voice.timeout'];
const ASSET_CONCURRENCIES = [
  'asset.upload_concurrent',
  'asset.download_concurrent',
  'asset.list_concurrent',
  'asset.delete_concurrent',
];

/** Legacy keys with more than one home, or none by name. */
const EXPLICIT_MOVES: Readonly<Record<string, readonly string[]>> = {
  'network.timeout': SERVICE_TIMEOUTS,
  'grok.timeout': SERVICE_TIMEOUTS, // the oldest layout's single "request Grok" timeout
  'performance.assets_max_concurrent': ASSET_CONCURRENCIES,
};

/** Request defaults that lived in `[chat]` before `[app]` owned them. */
const CHAT_KEYS_NOW_IN_APP = ['temporary', 'disable_memory', 'stream', 'thinking', 'dynamic_statsig', 'filter_tags'];

const LEGACY_IMAGE_PREFIX = 'image_ws_';

export interface MigrationResult {
  values: PlainObject;
  /** One line per key moved or left out, for the start-up warnings. */
  moved: string[];
  /** The same, coded for the console. */
  notes: CodedWarning[];
}

const owners = (key: string): SectionName[] => SECTION_NAMES.filter((section) => keySchema(section, key) !== undefined);

/** Where a legacy key goes, or why it goes nowhere (`sections`: the several that could own it). */
function targetsFor(section: string, key: string): readonly string[] | { sections: string } | { unknown: true } {
  const explicit = EXPLICIT_MOVES[`${section}.${key}`];
  if (explicit) return explicit;
  for (const owner of [...SECTION_NAMES].sort((a, b) => b.length - a.length)) {
    if (!key.startsWith(`${owner}_`)) continue;
    const rest = key.slice(owner.length + 1);
    if (keySchema(owner, rest)) return [`${owner}.${rest}`];
    if (rest === 'max_concurrent' && keySchema(owner, 'concurrent')) return [`${owner}.concurrent`];
  }
  const found = owners(key);
  if (found.length === 1) return [`${found[0]}.${key}`];
  if (found.length > 1) return { sections: found.join(', ') };
  return { unknown: true };
}

class Migration {
  readonly values: PlainObject;
  readonly notes: CodedWarning[] = [];

  constructor(raw: PlainObject) {
    // Copy each table so the caller's parsed object is never modified.
    this.values = Object.fromEntries(
      Object.entries(raw).map(([name, table]) => [name, isPlainObject(table) ? { ...table } : table]),
    );
  }

  /** Places `value` at `target` unless the current layout already has it. */
  place(from: string, target: string, value: unknown): void {
    const [section, key] = target.split('.') as [string, string];
    const table = isPlainObject(this.values[section]) ? (this.values[section] as PlainObject) : {};
    this.values[section] = table;
    if (Object.hasOwn(table, key)) {
      this.notes.push(
        codedWarning('config_not_moved', { from, to: target }, `${from} not moved: ${target} is already set`),
      );
      return;
    }
    table[key] = structuredClone(value);
    this.notes.push(codedWarning('config_moved', { from, to: target }, `${from} → ${target}`));
  }

  dissolveLegacySections(): void {
    for (const section of LEGACY_SECTIONS) {
      const table = this.values[section];
      if (table === undefined) continue;
      delete this.values[section];
      if (!isPlainObject(table)) {
        this.notes.push(codedWarning('config_not_table', { section }, `[${section}] is not a table; ignored`));
        continue;
      }
      for (const [key, value] of Object.entries(table)) {
        const targets = targetsFor(section, key);
        const from = `${section}.${key}`;
        if ('sections' in targets) {
          const { sections } = targets;
          const message = `${from} ignored: it could belong to ${sections}; set it in one of those sections`;
          this.notes.push(codedWarning('config_ambiguous', { key: from, sections }, message));
        } else if ('unknown' in targets)
          this.notes.push(
            codedWarning('config_no_key', { key: from }, `${from} ignored: no current key has that name`),
          );
        else for (const target of targets) this.place(from, target, value);
      }
    }
  }

  moveWithin(section: string, keys: (key: string) => string | null): void {
    const table = this.values[section];
    if (!isPlainObject(table)) return;
    for (const [key, value] of Object.entries(table)) {
      const target = keys(key);
      if (target === null) continue;
      delete table[key];
      this.place(`${section}.${key}`, target, value);
    }
  }
}

export function migrateConfig(raw: PlainObject): MigrationResult {
  const migration = new Migration(raw);
  // Current-layout tables are read first by `place`, so their explicit values win over legacy ones.
  migration.moveWithin('chat', (key) => (CHAT_KEYS_NOW_IN_APP.includes(key) ? `app.${key}` : null));
  migration.moveWithin('image', (key) => {
    if (!key.startsWith(LEGACY_IMAGE_PREFIX)) return null;
    const current = key.slice(LEGACY_IMAGE_PREFIX.length);
    return keySchema('image', current) ? `image.${current}` : null;
  });
  migration.dissolveLegacySections();
  const notes = migration.notes;
  return { values: migration.values, moved: notes.map((note) => note.message), notes };
}
