// Public types of the simulator. `server.ts` re-exports all of them; other modules of the
// project import them from there, so these names are a contract.

export type Mode = 'auto' | 'fast' | 'expert' | 'heavy';

export const MODES: readonly Mode[] = ['auto', 'fast', 'expert', 'heavy'];

export type Tier = 'basic' | 'super' | 'heavy';

export interface QuotaWindow {
  total: number;
  windowSeconds: number;
}

export interface SimulatorAccount {
  token: string;
  tier?: Tier;
  userId?: string;
  email?: string;
  blocked?: boolean;
  expired?: boolean;
  quotas?: Partial<Record<Mode, QuotaWindow>>;
  /** Account settings (§17): the NSFW preference is refused for age reasons until the holder verifies their age. */
  ageVerificationRequired?: boolean;
  /** Set by SetTosAcceptedVersion / set-tos-accepted. */
  tosAccepted?: boolean;
  /** Set by UpdateUserFeatureControls `always_show_nsfw_content`. */
  nsfwEnabled?: boolean;
  /** Set by set-birth-date (which grok2api never calls). */
  birthDateSet?: boolean;
}

export type AccountView = SimulatorAccount & { usage: Record<Mode, number> };

export type Framing = 'ndjson' | 'sse' | 'concatenated';

export interface SimulatorOptions {
  /** Default 0: the operating system picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  accounts?: SimulatorAccount[];
  /** Default false: an unknown sso token gets 401. True (demo mode): it becomes a new basic account. */
  acceptUnknownTokens?: boolean;
  /** Default true: a missing x-statsig-id on conversations/new and rate-limits gets the 403 anti-bot JSON. */
  requireStatsig?: boolean;
  /** Default false. When true the x-statsig-id value must base64-decode to exactly 70 bytes. */
  strictStatsig?: boolean;
  /** When set, the cf_clearance cookie must equal it, otherwise the Cloudflare HTML challenge. */
  requireCfClearance?: string | null;
  /** What an exhausted quota window does to a chat turn. Default 'http429'. */
  exhaustedBehaviour?: 'http429' | 'inband';
  /** Default 'ndjson'. */
  framing?: Framing;
  /**
   * When set, the stream body is written in pieces of exactly this many bytes, each normally
   * arriving as its own read (multi-byte characters and objects get split). Costs about 1 ms
   * per piece, so keep streams short when the pieces are small.
   */
  chunkBytes?: number;
  /** Delay between streamed frames. Default 0. */
  tokenDelayMs?: number;
  log?: boolean;
  /** Clock in epoch milliseconds for quota windows; tests inject one to move time. Default Date.now. */
  now?: () => number;
  /**
   * Which video forms the simulated upstream knows (docs/upstream-protocol.md §13.1 current, §13.2
   * legacy). Default `current`, as the current release: a `videoGenModelConfig` turn is refused
   * with 400 (unknown field) and `POST /rest/media/post/create` answers 404, so image-to-video and
   * extension rounds cannot be made. `legacy` refuses a `textToVideo` turn the same way; `both`
   * (the release before 2026-08-20) takes either, for tests of the fallback.
   */
  videoProtocols?: VideoProtocols;
}

export type VideoProtocols = 'both' | 'current' | 'legacy';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  body: unknown;
  rawBody: string;
  at: number;
}

export type FaultKind =
  | 'unauthorized'
  | 'cloudflare'
  | 'blocked'
  | 'anti_bot'
  | 'rate_limited'
  | 'server_error'
  | 'status'
  | 'inband_error'
  | 'usage_limit'
  | 'stream_errors'
  | 'slow_first_byte'
  | 'stall'
  | 'cut'
  | 'moderated'
  | 'close'
  | 'malformed'
  | 'textless'
  | 'no_media'
  | 'completed_first'
  | 'download_failure'
  | 'foreign_asset';

/**
 * One injected failure. Faults are used in the order queued; the first that applies to a
 * request is used. Kinds that replace the HTTP answer (unauthorized, cloudflare, blocked,
 * anti_bot, rate_limited, server_error, status, slow_first_byte) apply to the chat,
 * rate-limits and upload endpoints before any other check; kinds that shape a stream
 * (inband_error, usage_limit, stream_errors, stall, cut, moderated) wait for a chat turn that
 * was accepted. A faulted turn (other than moderated and slow_first_byte) costs no quota.
 * On the gateway WebSocket, request kinds answer the upgrade with their HTTP status, `cut`
 * drops the TCP connection, `close` closes with `closeCode`, and `malformed` (both transports)
 * sends a frame that is not JSON after `afterFrames` good ones.
 * Media kinds (docs/upstream-protocol.md §12–§13): `textless` makes an image or video turn carry
 * no answer text, only its media frames (with `moderated` too: `withoutText`); `no_media` sends
 * video progress that never reaches a URL or a moderation flag; `completed_first` sends each
 * Imagine slot's `completed` before its final image; `download_failure` answers the next
 * generated-asset download with `status` (default 500); `foreign_asset` names the finished video
 * by an absolute URL on `assetOrigin` (an answer pointing somewhere that is not an assets host).
 */
export interface Fault {
  kind: FaultKind;
  /** Default 1. Infinity (or -1 over HTTP) means forever. */
  times?: number;
  /** `path` matches that path and everything below it; `token` is the sso cookie value. */
  match?: { token?: string; path?: string };
  /** server_error: 5xx, default 500. status: any, default 500. */
  status?: number;
  /** status and server_error: the body sent verbatim. */
  body?: string;
  /** slow_first_byte: default 1000. */
  delayMs?: number;
  /** stall and cut: whole frames sent first, default 3. */
  afterFrames?: number;
  /** inband_error: 7 (anti-bot) or 8 (rate limit, the default). */
  code?: number;
  /** inband_error, stream_errors, rate_limited and server_error: replaces the default text. */
  message?: string;
  /** rate_limited and status: sent as Retry-After. */
  retryAfterSeconds?: number;
  /** moderated on an image turn or the Imagine WebSocket: only these image positions are moderated (default all). */
  imageIndexes?: number[];
  /** close (gateway and Imagine WebSockets): the close code after `afterFrames` events, default 1011. */
  closeCode?: number;
  /** moderated on a media turn: no answer text either, only the flagged media frames. */
  withoutText?: boolean;
  /** foreign_asset: the origin the video URL is given on, e.g. http://127.0.0.1:8081. */
  assetOrigin?: string;
}

export interface Script {
  answer?: string;
  thinking?: string;
  answerTokens?: string[];
  thinkingTokens?: string[];
  /** Default 1. Infinity (or -1 over HTTP) means forever. */
  times?: number;
  match?: { token?: string };
}

export interface Simulator {
  url: string;
  port: number;
  /** Every request received, in order; the /__simulator/ control API is not recorded. */
  requests: RecordedRequest[];
  addAccount(account: SimulatorAccount): void;
  account(token: string): AccountView | undefined;
  enqueueFault(fault: Fault): void;
  /** Queue a scripted answer for the next chat turn(s). */
  script(script: Script): void;
  setOptions(patch: Partial<SimulatorOptions>): void;
  /** Clears faults, scripts, recorded requests and usage. */
  reset(): void;
  stop(): Promise<void>;
}
