import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The single definition of config.toml. Every key carries its default; section and key names
 * follow the Python grok2api project so an existing config.toml keeps working.
 */

/** An enum whose static type is the union of its values (a mapped array would widen to string). */
const oneOf = <const T extends string>(values: readonly T[], defaultValue: NoInfer<T>, description: string) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((value) => Type.Literal(value)),
      { default: defaultValue, description },
    ),
  );

/** One day: longer would be no timeout in practice, and past ~24.8 days a timer overflows and fires at once. */
export const MAX_TIMEOUT_SECONDS = 86_400;

const seconds = (defaultValue: number, description: string) =>
  Type.Number({ minimum: 0, maximum: MAX_TIMEOUT_SECONDS, default: defaultValue, description });

const count = (defaultValue: number, description: string, minimum = 0, maximum?: number) =>
  Type.Integer({ minimum, ...(maximum === undefined ? {} : { maximum }), default: defaultValue, description });

/** An interval in seconds that drives a timer: at most a week. */
const WEEK_SECONDS = 7 * 86_400;

const text = (defaultValue: string, description: string) => Type.String({ default: defaultValue, description });

const flag = (defaultValue: boolean, description: string) => Type.Boolean({ default: defaultValue, description });

/** The current release's User-Agent (docs/upstream-protocol.md §4.1): Chrome 146 on macOS. */
export const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36';

export const AppSection = Type.Object({
  app_url: text('', 'Public base URL of this gateway, used to build /v1/files links'),
  app_key: text('grok2api', 'Admin password (Bearer token for /v1/admin/*). Change it.'),
  api_key: Type.Union([Type.String(), Type.Array(Type.String())], {
    default: '',
    description: 'Client API key(s): a comma-separated string or an array. Empty = no auth (a warning is logged).',
  }),
  function_enabled: flag(false, 'Enable the playground (function) pages'),
  function_key: text('', 'Key for the playground pages'),
  image_format: oneOf(['url', 'base64', 'b64_json', 'markdown'], 'url', 'Default image output format'),
  video_format: oneOf(['html', 'url', 'markdown'], 'html', 'Default video output format in chat'),
  temporary: flag(true, 'Use Grok temporary (private) chats'),
  disable_memory: flag(true, 'Disable Grok long-term memory'),
  stream: flag(false, 'Default for chat when `stream` is omitted (false, as in the OpenAI API)'),
  thinking: flag(true, 'Show reasoning when `reasoning_effort` is omitted'),
  dynamic_statsig: flag(true, 'Legacy statsig mode: random value per request (false = the fixed value)'),
  custom_instruction: text('', 'Sent upstream as customPersonality'),
  filter_tags: Type.Array(Type.String(), {
    default: ['xaiartifact', 'xai:tool_usage_card', 'grok:render'],
    description: 'Upstream markup to clean out of answers',
  }),
  admin_session_hours: Type.Number({
    exclusiveMinimum: 0,
    maximum: 720,
    default: 12,
    description: 'How long an admin console sign-in lasts (hours)',
  }),
  trusted_proxies: Type.Array(Type.String(), {
    default: [],
    description:
      'Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client, for the per-address sign-in and key throttles; empty = the socket address is the client',
  }),
});

export const ProxySection = Type.Object({
  base_proxy_url: text(
    '',
    'Proxy for Grok calls: http(s)://, socks5:// or socks4://; a comma-separated list is a pool (sticky per account, rotated on failure)',
  ),
  asset_proxy_url: text('', 'Proxy (or pool) for asset upload/download (falls back to base_proxy_url)'),
  raw_cookie: text('', 'If set, replaces the whole Cookie header for every account'),
  sso_rw: text('', 'If set, used as the sso-rw cookie for every account'),
  cf_cookies: text(
    '',
    "Cloudflare cookie string (name=value; …) sent with every call; only Cloudflare's cookie names are kept (cf_clearance, __cf_bm, _cfuvid, cf_chl_*, __cflb, …)",
  ),
  skip_proxy_ssl_verify: flag(false, 'Skip TLS verification of the proxy itself'),
  use_system_ca: flag(true, 'Trust the OS root store'),
  custom_ca_file: text('', 'Extra CA file'),
  enabled: flag(false, 'Cloudflare auto-refresh via FlareSolverr'),
  flaresolverr_url: text('', 'FlareSolverr endpoint'),
  refresh_interval: Type.Integer({
    minimum: 60,
    maximum: WEEK_SECONDS,
    default: 3600,
    description: 'Seconds between clearance refreshes',
  }),
  timeout: Type.Integer({
    minimum: 60,
    maximum: MAX_TIMEOUT_SECONDS,
    default: 60,
    description: 'Challenge timeout in seconds',
  }),
  cf_clearance: text('', 'Manual cf_clearance cookie'),
  browser: text(
    'chrome146',
    'Browser profile the User-Agent and client hints belong to (the impit TLS profile follows it)',
  ),
  user_agent: text(DEFAULT_USER_AGENT, 'User-Agent sent upstream (client hints derive from it)'),
});

export const RetrySection = Type.Object({
  max_retry: count(3, 'Attempts per upstream call, and accounts tried per request', 1),
  retry_status_codes: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
    default: [401, 429, 403, 502],
    description: 'Upstream statuses that are retried',
  }),
  reset_session_status_codes: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
    default: [403],
    description: 'Statuses after which the connection is dropped and recreated',
  }),
  retry_backoff_base: seconds(0.5, 'Backoff base (s)'),
  retry_backoff_factor: Type.Number({ minimum: 1, default: 2.0, description: 'Backoff factor' }),
  retry_backoff_max: seconds(20.0, 'Longest single backoff (s)'),
  retry_budget: seconds(60.0, 'Total backoff budget per request (s)'),
  max_cooled_accounts: count(
    2,
    'Accounts one request may put into cooling; a further rate limit fails the request instead of cooling more (one bad upstream moment cannot drain the pool)',
    1,
  ),
});

export const TokenSection = Type.Object({
  auto_refresh: flag(true, 'Refresh quotas of cooling accounts on a schedule'),
  refresh_interval_hours: Type.Number({
    exclusiveMinimum: 0,
    maximum: 168,
    default: 8,
    description: 'Basic pool refresh interval (hours, at most a week)',
  }),
  super_refresh_interval_hours: Type.Number({
    exclusiveMinimum: 0,
    maximum: 168,
    default: 2,
    description: 'Super pool refresh interval (hours, at most a week)',
  }),
  fail_threshold: count(5, 'Consecutive auth failures before an account is expired', 1),
  save_delay_ms: count(500, 'Kept for compatibility: writes are immediate and atomic', 0, 60_000),
  usage_flush_interval_sec: count(
    5,
    'Kept for compatibility: usage is written atomically per request',
    0,
    WEEK_SECONDS,
  ),
  reload_interval_sec: count(
    30,
    'How often an instance re-reads accounts changed by other instances (0 = never)',
    0,
    WEEK_SECONDS,
  ),
  on_demand_refresh_enabled: flag(true, 'Sync cooling accounts when a request finds none available'),
  on_demand_refresh_min_interval_sec: count(300, 'Minimum seconds between on-demand refreshes', 0, WEEK_SECONDS),
  on_demand_refresh_max_tokens: count(100, 'Accounts synced per on-demand refresh', 1),
  refresh_calls_per_sec: count(
    20,
    'Most quota calls (rate-limits) per second one instance makes for refreshes: scheduled passes, batch refresh jobs and admin refreshes share it, so a pass over many accounts is spread over time (0 = no limit). The on-demand refresh a waiting request triggers is not paced (on_demand_refresh_max_tokens bounds it). A Basic account costs 2 calls, Super 3, Heavy 4',
  ),
  consumed_mode_enabled: flag(false, 'Pick the least-consumed account instead of the most remaining quota'),
  max_inflight_per_account: count(0, 'Requests one account may serve at once (0 = unlimited)'),
  lease_ttl_sec: count(
    120,
    'Lifetime of an account slot in the shared store; renewed while the request runs, so a crashed instance frees its slots within this time',
    10,
    MAX_TIMEOUT_SECONDS,
  ),
});

export const LogSection = Type.Object({
  max_file_size_mb: Type.Integer({ default: 100, description: 'Log file rotation size (<=0: no size rotation)' }),
  max_files: Type.Integer({ default: 7, description: 'Rotated log files kept (<=0: unlimited)' }),
  log_health_requests: flag(false, 'Log /health requests'),
  log_all_requests: flag(false, 'Log every request (otherwise only errors and slow ones)'),
  request_slow_ms: count(3000, 'A request slower than this is logged', 0, MAX_TIMEOUT_SECONDS * 1000),
  usage_retention_days: count(
    7,
    'Days a usage record per chat, image or video request is kept in storage (0 = none kept)',
  ),
});

export const CacheSection = Type.Object({
  enable_auto_clean: flag(true, 'Evict old media when the cache is over its limit'),
  limit_mb: count(512, 'Media cache size limit'),
});

export const ChatSection = Type.Object({
  concurrent: count(50, 'Concurrent upstream chat calls', 1),
  timeout: seconds(60, 'Upstream chat timeout until the first byte (s)'),
  stream_timeout: seconds(60, 'Idle timeout between upstream stream reads (s, 0 disables)'),
  reasoning_output: oneOf(
    ['reasoning_content', 'think_tags', 'hidden'],
    'reasoning_content',
    'How reasoning reaches clients: the reasoning_content field, <think> tags inside content, or not at all',
  ),
  keepalive_interval: seconds(15, 'SSE keep-alive comment interval while the upstream is silent (s, 0 disables)'),
  prompt_budget_chars: count(
    120000,
    'Character budget of the flattened upstream message: the oldest turns are dropped (with a marker) beyond it; system turns, the tool prompt and the latest input are always kept (0 disables)',
  ),
  upstream_max_chars: count(
    400000,
    'Longest flattened message sent upstream; a request still over it after the budget is refused with a 400 before any upstream call (0 disables)',
  ),
  connect_timeout: seconds(
    20,
    'Upstream connect deadline where it can be observed: the gateway WebSocket handshake (s, 0 disables)',
  ),
});

export const ImageSection = Type.Object({
  timeout: seconds(60, 'Image generation timeout (s)'),
  stream_timeout: seconds(60, 'Image stream idle timeout (s)'),
  final_timeout: seconds(15, 'Wait for the final image after a medium one (s)'),
  blocked_grace_seconds: seconds(10, 'Grace before a silent image stream is treated as moderated (s)'),
  nsfw: flag(true, 'Request NSFW-capable image generation'),
  medium_min_bytes: count(30000, 'Base64 length of a medium-quality image'),
  final_min_bytes: count(100000, 'Base64 length of a final image'),
  blocked_parallel_attempts: Type.Integer({
    minimum: 0,
    maximum: 10,
    default: 5,
    description: 'Parallel recovery attempts',
  }),
  blocked_parallel_enabled: flag(true, 'Retry moderated-looking generations in parallel'),
  connect_timeout: seconds(20, 'Image WebSocket connect/handshake deadline (s, 0 disables)'),
});

const imageSizes = ['1024x1024', '1024x1792', '1280x720', '1792x1024', '720x1280'] as const;

export const ImagineFastSection = Type.Object({
  n: Type.Integer({ minimum: 1, maximum: 10, default: 1, description: 'Images per grok-imagine-1.0-fast request' }),
  size: oneOf(imageSizes, '1024x1024', 'Image size for grok-imagine-1.0-fast'),
  nsfw: flag(true, 'NSFW for grok-imagine-1.0-fast'),
  response_format: oneOf(['url', 'b64_json', 'base64'], 'url', 'Output format for grok-imagine-1.0-fast'),
});

export const VideoSection = Type.Object({
  enable_public_asset: flag(false, 'Create public share links for generated videos'),
  concurrent: count(100, 'Concurrent video generations', 1),
  timeout: seconds(60, 'Video request timeout (s)'),
  stream_timeout: seconds(60, 'Video stream idle timeout (s)'),
  upscale_timing: oneOf(['single', 'complete'], 'complete', 'Upscale after every round or once at the end'),
  connect_timeout: seconds(20, 'Video upstream connect deadline where observable (s, 0 disables)'),
  protocol: oneOf(
    ['auto', 'current', 'legacy'],
    'auto',
    'Text-to-video form: current (mediaGenInput.textToVideo), legacy (media post + videoGenModelConfig), ' +
      'or auto (current, then legacy once the upstream refuses the current body). Longer than 15 s and ' +
      'image-to-video exist only in the legacy form: current refuses them with a 400',
  ),
});

export const VoiceSection = Type.Object({
  livekit_url: text(
    'wss://livekit.grok.com',
    'LiveKit server the playground voice page dials with the brokered token (wss://…); empty turns voice off',
  ),
  timeout: seconds(60, 'Voice token timeout (s)'),
  connect_timeout: seconds(20, 'Voice (LiveKit) WebSocket connect deadline (s, 0 disables)'),
});

export const AssetSection = Type.Object({
  upload_concurrent: count(100, 'Concurrent uploads', 1),
  upload_timeout: seconds(60, 'Upload timeout (s)'),
  download_concurrent: count(100, 'Concurrent downloads', 1),
  download_timeout: seconds(60, 'Download timeout (s)'),
  list_concurrent: count(100, 'Concurrent asset listings', 1),
  list_timeout: seconds(60, 'Asset listing timeout (s)'),
  list_batch_size: count(50, 'Accounts per listing batch', 1),
  delete_concurrent: count(100, 'Concurrent asset deletions', 1),
  delete_timeout: seconds(60, 'Asset deletion timeout (s)'),
  delete_batch_size: count(50, 'Accounts per deletion batch', 1),
  connect_timeout: seconds(20, 'Asset host connect deadline where observable (s, 0 disables)'),
});

const batchSection = (concurrent: number, batchSize: number, what: string) =>
  Type.Object({
    concurrent: count(concurrent, `Concurrent ${what} calls`, 1),
    batch_size: count(batchSize, `Accounts per ${what} batch`, 1),
    timeout: seconds(60, `${what} call timeout (s)`),
  });

export const NsfwSection = batchSection(60, 30, 'NSFW enablement');
export const UsageSection = batchSection(100, 50, 'quota sync');

export const UpstreamSection = Type.Object({
  base_url: text('https://grok.com', 'Grok web origin (REST and, as ws(s)://, WebSockets)'),
  assets_url: text('https://assets.grok.com', 'Asset host for uploads and generated media'),
  asset_hosts: Type.Array(Type.String(), {
    default: ['imagine-public.x.ai'],
    description:
      'Hosts besides those of assets_url and base_url that generated media may be downloaded from ' +
      'with the account cookies; a URL on any other host is refused and logged',
  }),
  accounts_url: text('https://accounts.x.ai', 'Account service host'),
  statsig_mode: oneOf(
    ['legacy', 'manual', 'signer'],
    'legacy',
    'How x-statsig-id is produced for REST calls: legacy (fabricated, as old releases did; the current web app sends 70-byte signed values), manual (statsig_value), or signer (your own statsig_signer_url)',
  ),
  statsig_value: text('', 'The x-statsig-id value in manual mode'),
  statsig_signer_url: text(
    '',
    "Operator's own signing service (signer mode); nothing is sent to a third party by default",
  ),
  chat_transport: oneOf(
    ['rest', 'ws', 'auto'],
    'auto',
    'Chat protocol: REST conversations/new, the WebSocket model gateway /ws/mgw/, or auto (gateway, REST when the gateway or a user id is unavailable)',
  ),
  upload_protocol: oneOf(
    ['legacy', 'multipart'],
    'multipart',
    'Chat attachment upload: the current multipart upload-file-v2 or the legacy JSON/base64',
  ),
  request_form: oneOf(
    ['current', 'legacy'],
    'current',
    'Header sets, REST chat body and prompt flattening: the current web release or the legacy (P1) forms',
  ),
  http_client: oneOf(
    ['bun', 'impit', 'wreq'],
    'bun',
    "Upstream client: Bun's fetch and WebSocket; impit (browser TLS/HTTP2 fingerprint of proxy.browser for REST, Bun's WebSocket); or wreq (Chrome's TLS fingerprint for REST and both WebSockets)",
  ),
});

export const DiagnosticsSection = Type.Object({
  capture_enabled: flag(
    false,
    'Keep the last upstream exchanges in memory (headers redacted, bodies truncated) for GET /v1/admin/diagnostics/capture',
  ),
  capture_size: count(50, 'How many upstream exchanges the capture keeps', 1),
  capture_body_bytes: count(4096, 'Bytes of each request/response body (or WebSocket message) kept', 0),
});

export const MetricsSection = Type.Object({
  enabled: flag(true, 'Serve Prometheus metrics at /metrics'),
  token: text('', 'Bearer token scrapers must send to /metrics (empty: open, like /health)'),
});

export const LimitsSection = Type.Object({
  max_body_mb: count(
    32,
    'Largest request body (MB) of the JSON API routes (chat, responses, messages, images); larger is refused with 413',
    1,
  ),
  max_upload_body_mb: count(
    64,
    'Largest request body (MB) of the multipart upload routes (/v1/images/edits, /v1/videos)',
    1,
  ),
  max_admin_body_mb: count(64, 'Largest request body (MB) of the admin API (token import)', 1),
  max_messages: count(2048, 'Most messages (chat, messages) or input items (responses) in one request', 1),
  max_content_parts: count(512, 'Most content parts in one message', 1),
  max_tools: count(256, 'Most tools (functions) in one request', 1),
  max_array_items: count(10000, 'Most items of any other array (and fields of any object) in a request body', 1),
  max_string_chars: count(
    4_000_000,
    'Longest string in a request body, in characters (data: URIs are bounded by the body size instead)',
    1,
  ),
  max_json_depth: count(64, 'Deepest nesting of a request body', 2),
  max_image_pixels: count(
    100_000_000,
    'Largest image (width × height, read from its header) accepted as an attachment or edit/video reference',
    1,
  ),
});

const origins = (defaultValue: string[], description: string) =>
  Type.Array(Type.String(), { default: defaultValue, description });

export const CorsSection = Type.Object({
  api_origins: origins(
    ['*'],
    'Browser origins allowed to call the /v1 API (e.g. ["https://app.example.com"]); "*" = any origin, never with credentials',
  ),
  admin_origins: origins(
    [],
    'Browser origins allowed to call /v1/admin cross-origin; empty = none (the console is same-origin)',
  ),
  max_age: count(600, 'Seconds browsers may cache a CORS preflight answer'),
});

/** `pattern=model`: a client model id (glob: `*` any characters, `?` one) and the model it stands for. */
export const MODEL_ALIAS_PATTERN = '^\\s*[^=\\s]+\\s*=\\s*[^=\\s]+\\s*$';

export const ModelsSection = Type.Object({
  aliases: Type.Array(Type.String({ pattern: MODEL_ALIAS_PATTERN }), {
    default: ['claude-*opus*=grok-4.1-expert', 'claude-*sonnet*=grok-4.1-fast', 'claude-*haiku*=grok-4.1-mini'],
    description:
      'Model ids clients may send for our models, one `pattern=model` per entry (pattern: a glob, `*` any ' +
      'characters, `?` one; case-insensitive; first match wins; our own ids always win). Used by chat ' +
      'completions, responses and messages, and listed by /v1/models with `alias_for`. The defaults let ' +
      'Claude Code run without --model.',
  }),
});

export const ConfigSchema = Type.Object({
  app: AppSection,
  proxy: ProxySection,
  retry: RetrySection,
  token: TokenSection,
  log: LogSection,
  cache: CacheSection,
  chat: ChatSection,
  image: ImageSection,
  imagine_fast: ImagineFastSection,
  video: VideoSection,
  voice: VoiceSection,
  asset: AssetSection,
  nsfw: NsfwSection,
  usage: UsageSection,
  upstream: UpstreamSection,
  metrics: MetricsSection,
  diagnostics: DiagnosticsSection,
  limits: LimitsSection,
  cors: CorsSection,
  models: ModelsSection,
});

export type Config = Static<typeof ConfigSchema>;
export type SectionName = keyof Config;

export const SECTION_NAMES = Object.keys(ConfigSchema.properties) as SectionName[];

export function sectionSchema(section: SectionName): TSchema {
  return ConfigSchema.properties[section];
}
