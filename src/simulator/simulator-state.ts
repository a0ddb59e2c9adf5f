import { AccountRegistry } from './account-registry';
import { ActiveStreams } from './active-streams';
import { CountedQueue } from './counted-queue';
import { FileStore } from './file-store';
import { GeneratedAssets } from './generated-assets';
import type { MediaPost } from './media-route';
import { DEFAULT_OPTIONS, type EffectiveOptions } from './simulator-options';
import type { Fault, RecordedRequest, Script } from './types';

/** Everything a handler may read or change; one instance per running simulator. */
export interface SimulatorState {
  options: EffectiveOptions;
  now: () => number;
  accounts: AccountRegistry;
  faults: CountedQueue<Fault>;
  scripts: CountedQueue<Script>;
  requests: RecordedRequest[];
  files: FileStore;
  generated: GeneratedAssets;
  /** Media posts by post id, and the same records by video id (for upscale). */
  posts: Map<string, MediaPost>;
  videos: Map<string, MediaPost>;
  conversations: Set<string>;
  streams: ActiveStreams;
  /** Aborted by stop(), so that no injected wait outlives the server. */
  shutdown: AbortController;
}

export function createSimulatorState(now: () => number): SimulatorState {
  return {
    options: { ...DEFAULT_OPTIONS },
    now,
    accounts: new AccountRegistry(now),
    faults: new CountedQueue<Fault>(),
    scripts: new CountedQueue<Script>(),
    requests: [],
    files: new FileStore(),
    generated: new GeneratedAssets(),
    posts: new Map(),
    videos: new Map(),
    conversations: new Set(),
    streams: new ActiveStreams(),
    shutdown: new AbortController(),
  };
}

/** Clears in place: callers may hold on to `requests`. */
export function resetSimulatorState(state: SimulatorState): void {
  state.faults.clear();
  state.scripts.clear();
  state.requests.length = 0;
  state.accounts.resetUsage();
}
