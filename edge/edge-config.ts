/**
 * What the Worker knows about itself: its environment (vars and secrets from wrangler.toml /
 * `wrangler secret put`) and the bridge mode each function page runs in. A bridge forwards only
 * when its backend URL is set; otherwise chat and imagine run as `probe` and video as
 * `init-only` — they validate the request and say that no backend is configured.
 */

export interface EdgeEnvironment {
  CHAT_BRIDGE_BACKEND_URL?: string;
  IMAGINE_BRIDGE_BACKEND_URL?: string;
  VIDEO_BRIDGE_BACKEND_URL?: string;
  /** Secret: a grok2api API key, sent to the backend as its Bearer token. */
  BACKEND_API_KEY?: string;
  /** Secret: the key the pages must present (empty: the pages are open). */
  FUNCTION_KEY?: string;
  /** Set by the deploy workflow (commit id); "dev" otherwise. */
  BUILD_ID?: string;
}

export type BridgeName = 'chat' | 'imagine' | 'video';
/** The value of the x-grok2api-<name>-bridge header. */
export type BridgeMode = 'backend-forward' | 'probe' | 'init-only';
/** The page's initial status, as the manifest names it (the main server is always `backend-forward-ready`). */
export type ManifestMode = 'backend-forward-ready' | 'probe-only' | 'init-only';

export const BRIDGE_NAMES: readonly BridgeName[] = ['chat', 'imagine', 'video'];
const URL_VARIABLES: Record<BridgeName, keyof EdgeEnvironment> = {
  chat: 'CHAT_BRIDGE_BACKEND_URL',
  imagine: 'IMAGINE_BRIDGE_BACKEND_URL',
  video: 'VIDEO_BRIDGE_BACKEND_URL',
};
/** Without a backend: chat and imagine can still probe the request; video only initialises. */
const OFFLINE_MODE: Record<BridgeName, 'probe' | 'init-only'> = { chat: 'probe', imagine: 'probe', video: 'init-only' };

export const urlVariable = (name: BridgeName) => URL_VARIABLES[name];

export function backendUrl(environment: EdgeEnvironment, name: BridgeName): string | undefined {
  const value = environment[URL_VARIABLES[name]]?.trim();
  return value ? value.replace(/\/+$/, '') : undefined;
}

export function bridgeMode(environment: EdgeEnvironment, name: BridgeName): BridgeMode {
  return backendUrl(environment, name) ? 'backend-forward' : OFFLINE_MODE[name];
}

export function manifestMode(mode: BridgeMode): ManifestMode {
  if (mode === 'backend-forward') return 'backend-forward-ready';
  return mode === 'probe' ? 'probe-only' : 'init-only';
}

export function bridgeModes(environment: EdgeEnvironment): Record<BridgeName, BridgeMode> {
  return {
    chat: bridgeMode(environment, 'chat'),
    imagine: bridgeMode(environment, 'imagine'),
    video: bridgeMode(environment, 'video'),
  };
}
