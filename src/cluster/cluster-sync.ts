import type { Config } from '../config/schema';
import type { ConfigStore, DeepPartial } from '../config/store';
import type { AccountPool } from '../pool/account-pool';
import type { RecordStore } from '../storage/types';
import type { ClusterMessage, Coordinator } from '../storage/coordinator';

/**
 * Keeps one instance in step with the others: applies their account notices to the pool and their
 * config changes to the config store, and announces this instance's config changes. With a
 * `poll` coordinator (MySQL, SQLite) it reads the account change feed and the shared config record
 * every `pollMs` instead of waiting for notices.
 */

export interface ClusterSyncOptions {
  coordinator: Coordinator;
  pool: AccountPool;
  config: ConfigStore;
  records: RecordStore;
  logger: { warn(message: string, fields?: Record<string, unknown>): void };
  /** Default one second: the promise made for changes reaching other instances. */
  pollMs?: number;
  clock?: () => number;
}

/**
 * Every config key any instance changed, with its latest value, so `poll` instances can see it.
 * Cumulative, not just the last change: a poller reads it once a second, and two changes within
 * that second (a clearance refresh, then an operator's edit) must both arrive.
 */
interface SharedConfig {
  from: string;
  serial: string;
  /** Only keys that changed: values that came from an instance's environment never travel. */
  values: Record<string, Record<string, unknown>>;
}

type Patch = Record<string, Record<string, unknown>>;

/** `base` with `next` laid over it, key by key. */
export function mergePatch(base: Patch, next: Patch): Patch {
  const merged: Patch = {};
  for (const [section, values] of Object.entries(base)) merged[section] = { ...values };
  for (const [section, values] of Object.entries(next)) merged[section] = { ...merged[section], ...values };
  return merged;
}

/** `patch` without the keys `except` sets. */
function withoutKeys(patch: Patch, except: Patch): Patch {
  const kept: Patch = {};
  for (const [section, values] of Object.entries(patch)) {
    for (const [key, value] of Object.entries(values))
      if (!(key in (except[section] ?? {}))) (kept[section] ??= {})[key] = value;
  }
  return kept;
}

/** The keys whose values differ between two configs, by section. */
export function changedKeys(before: Config, after: Config): Record<string, Record<string, unknown>> {
  const patch: Record<string, Record<string, unknown>> = {};
  const previous = before as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(after as unknown as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(values)) {
      if (JSON.stringify(value) !== JSON.stringify(previous[section]?.[key])) (patch[section] ??= {})[key] = value;
    }
  }
  return patch;
}

const COLLECTION = 'cluster';
const CONFIG_ID = 'config';

export async function startClusterSync(options: ClusterSyncOptions): Promise<{ stop(): void }> {
  const { coordinator, pool, config, records, logger } = options;
  const clock = options.clock ?? Date.now;
  let applyingRemote = false;
  let sequence = 0;
  // What is stored now was already there at start: this instance's own config file wins at start-up.
  let lastSerial = (await records.get<SharedConfig>(COLLECTION, CONFIG_ID))?.serial ?? '';
  let current = config.get();

  const applyConfig = async (values: unknown) => {
    applyingRemote = true;
    try {
      await config.update(values as DeepPartial<Config>, { origin: 'cluster' });
    } catch (error) {
      logger.warn('could not apply a config change from another instance', { error });
    } finally {
      applyingRemote = false;
    }
  };

  // One write at a time from this instance, so a burst of local changes does not lose any to a
  // read-modify-write race with itself.
  let writing: Promise<void> = Promise.resolve();
  const share = async (values: Patch) => {
    const previous = await records.get<SharedConfig>(COLLECTION, CONFIG_ID);
    // Another instance changed something this instance has not polled yet: take it now (the keys
    // changed here just now win), or writing our serial over theirs would hide it from us.
    if (previous && previous.serial !== lastSerial && previous.from !== coordinator.instanceId) {
      const unseen = withoutKeys(previous.values, values);
      if (Object.keys(unseen).length > 0) await applyConfig(unseen);
    }
    const serial = `${coordinator.instanceId}:${clock()}:${sequence++}`;
    lastSerial = serial;
    await records.put(COLLECTION, CONFIG_ID, {
      from: coordinator.instanceId,
      serial,
      values: mergePatch(previous?.values ?? {}, values),
    } satisfies SharedConfig);
    await coordinator.publish({ kind: 'config', values });
  };

  const unsubscribeConfig = config.subscribe((next) => {
    const values = changedKeys(current, next);
    current = next;
    if (applyingRemote || Object.keys(values).length === 0) return;
    writing = writing
      .then(() => share(values))
      .catch((error) => logger.warn('could not share a config change', { error }));
  });

  const onMessage = (message: ClusterMessage) => {
    const event = message.event;
    const work =
      event.kind === 'accounts'
        ? pool.refreshTokens(event.tokens)
        : event.kind === 'changes'
          ? pool.catchUp()
          : event.kind === 'reload'
            ? pool.load()
            : applyConfig(event.values);
    void work.catch((error) =>
      logger.warn('could not apply a change from another instance', { kind: event.kind, error }),
    );
  };
  const unsubscribeMessages = coordinator.subscribe(onMessage);

  let timer: ReturnType<typeof setInterval> | null = null;
  if (coordinator.delivery === 'poll') {
    let polling = false;
    timer = setInterval(() => {
      if (polling) return;
      polling = true;
      const poll = async () => {
        await pool.refreshChanged();
        const shared = await records.get<SharedConfig>(COLLECTION, CONFIG_ID);
        if (shared && shared.serial !== lastSerial) {
          lastSerial = shared.serial;
          if (shared.from !== coordinator.instanceId) await applyConfig(shared.values);
        }
      };
      void poll()
        .catch((error) => logger.warn('cluster poll failed', { error }))
        .finally(() => (polling = false));
    }, options.pollMs ?? 1_000);
    timer.unref?.();
  }

  return {
    stop() {
      if (timer) clearInterval(timer);
      unsubscribeMessages();
      unsubscribeConfig();
    },
  };
}
