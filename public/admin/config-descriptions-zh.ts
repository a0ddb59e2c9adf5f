// Chinese descriptions of every config key, beside the English one from the schema they translate.
// tests/admin-console/config-descriptions.test.ts fails when a key is added, removed or its English
// description changes in src/config/schema.ts without this file following, so the two stay in sync.
// The config page shows the Chinese text only while the English beside it still matches the schema.

/** Key "section.key" → [the English description it translates, the Chinese one]. */
export const CONFIG_DESCRIPTIONS_ZH: Record<string, [string, string]> = {
  'upstream.request_form': [
    'Header sets, REST chat body and prompt flattening: the current web release or the legacy (P1) forms',
    '请求头集合、REST 对话请求体与提示词展开方式：当前网页版，或旧版（P1）形式',
  ],
  'upstream.asset_hosts': [
    'Hosts besides those of assets_url and base_url that generated media may be downloaded from with the account cookies; a URL on any other host is refused and logged',
    '除 assets_url 和 base_url 的主机外，允许携带账号 Cookie 下载生成媒体的主机；其他主机上的 URL 会被拒绝并记录',
  ],
  'video.protocol': [
    'Text-to-video form: current (mediaGenInput.textToVideo), legacy (media post + videoGenModelConfig), or auto (current, then legacy once the upstream refuses the current body). Longer than 15 s and image-to-video exist only in the legacy form: current refuses them with a 400',
    '文生视频的形式：current（mediaGenInput.textToVideo）、legacy（媒体帖子 + videoGenModelConfig），或 auto（先用 current，上游拒绝该请求体后改用 legacy）。超过 15 秒的视频和图生视频只有 legacy 形式能生成：current 会以 400 拒绝',
  ],
  'token.refresh_calls_per_sec': [
    'Most quota calls (rate-limits) per second one instance makes for refreshes: scheduled passes, batch refresh jobs and admin refreshes share it, so a pass over many accounts is spread over time (0 = no limit). The on-demand refresh a waiting request triggers is not paced (on_demand_refresh_max_tokens bounds it). A Basic account costs 2 calls, Super 3, Heavy 4',
    '单个实例为刷新每秒最多发出的额度调用（rate-limits）次数：定时刷新、批量刷新任务和管理端刷新共用此限额，使大量账号的刷新分散进行（0 = 不限）。等待中的请求触发的按需刷新不受限速（由 on_demand_refresh_max_tokens 限制）。Basic 账号消耗 2 次调用，Super 3 次，Heavy 4 次',
  ],
  'app.trusted_proxies': [
    'Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client, for the per-address sign-in and key throttles; empty = the socket address is the client',
    '反向代理（地址或 CIDR 网段），其 X-Forwarded-For 用于识别客户端，供按地址的登录与密钥限流使用；为空 = 以套接字地址为客户端',
  ],
  'app.app_url': [
    'Public base URL of this gateway, used to build /v1/files links',
    '本网关的公开基础 URL，用于生成 /v1/files 链接',
  ],
  'app.app_key': [
    'Admin password (Bearer token for /v1/admin/*). Change it.',
    '管理密码（/v1/admin/* 的 Bearer 令牌）。请修改。',
  ],
  'app.api_key': [
    'Client API key(s): a comma-separated string or an array. Empty = no auth (a warning is logged).',
    '客户端 API 密钥：逗号分隔的字符串或数组。为空 = 不鉴权（会记录警告）。',
  ],
  'app.function_enabled': ['Enable the playground (function) pages', '开启试用台（function）页面'],
  'app.function_key': ['Key for the playground pages', '试用台页面的密钥'],
  'app.image_format': ['Default image output format', '默认图片输出格式'],
  'app.video_format': ['Default video output format in chat', '对话中默认的视频输出格式'],
  'app.temporary': ['Use Grok temporary (private) chats', '使用 Grok 临时（私密）对话'],
  'app.disable_memory': ['Disable Grok long-term memory', '关闭 Grok 长期记忆'],
  'app.stream': [
    'Default for chat when `stream` is omitted (false, as in the OpenAI API)',
    '省略 `stream` 时对话的默认值（与 OpenAI API 一样为 false）',
  ],
  'app.thinking': ['Show reasoning when `reasoning_effort` is omitted', '省略 `reasoning_effort` 时显示思考过程'],
  'app.dynamic_statsig': [
    'Legacy statsig mode: random value per request (false = the fixed value)',
    '旧版 statsig 模式：每个请求随机值（false = 固定值）',
  ],
  'app.custom_instruction': ['Sent upstream as customPersonality', '作为 customPersonality 发送到上游'],
  'app.filter_tags': ['Upstream markup to clean out of answers', '从回答中清除的上游标记'],
  'app.admin_session_hours': [
    'How long an admin console sign-in lasts (hours)',
    '管理控制台一次登录的有效时长（小时）',
  ],
  'proxy.base_proxy_url': [
    'Proxy for Grok calls: http(s)://, socks5:// or socks4://; a comma-separated list is a pool (stic' +
      'ky per account, rotated on failure)',
    'Grok 调用使用的代理：http(s)://、socks5:// 或 socks4://；逗号' + '分隔的列表构成代理池（按账号固定，失败时轮换）',
  ],
  'proxy.asset_proxy_url': [
    'Proxy (or pool) for asset upload/download (falls back to base_proxy_url)',
    '资源上传/下载使用的代理（或代理池），未设置时使用 base_proxy_url',
  ],
  'proxy.raw_cookie': [
    'If set, replaces the whole Cookie header for every account',
    '设置后，替换每个账号的整个 Cookie 请求头',
  ],
  'proxy.sso_rw': ['If set, used as the sso-rw cookie for every account', '设置后，作为每个账号的 sso-rw Cookie'],
  'proxy.cf_cookies': [
    "Cloudflare cookie string (name=value; …) sent with every call; only Cloudflare's cookie names are kept (cf_clearance, __cf_bm, _cfuvid, cf_chl_*, __cflb, …)",
    '随每次调用发送的 Cloudflare Cookie 字符串（name=value; …）；只保留 Cloudflare 的 Cookie 名（cf_clearance、__cf_bm、_cfuvid、cf_chl_*、__cflb 等）',
  ],
  'proxy.skip_proxy_ssl_verify': ['Skip TLS verification of the proxy itself', '跳过对代理本身的 TLS 校验'],
  'proxy.use_system_ca': ['Trust the OS root store', '信任操作系统的根证书'],
  'proxy.custom_ca_file': ['Extra CA file', '额外的 CA 文件'],
  'proxy.enabled': ['Cloudflare auto-refresh via FlareSolverr', '通过 FlareSolverr 自动刷新 Cloudflare'],
  'proxy.flaresolverr_url': ['FlareSolverr endpoint', 'FlareSolverr 地址'],
  'proxy.refresh_interval': ['Seconds between clearance refreshes', '两次 clearance 刷新之间的秒数'],
  'proxy.timeout': ['Challenge timeout in seconds', '验证超时（秒）'],
  'proxy.cf_clearance': ['Manual cf_clearance cookie', '手动设置的 cf_clearance Cookie'],
  'proxy.browser': [
    'Browser profile the User-Agent and client hints belong to (the impit TLS profile follows it)',
    'User-Agent 与客户端提示所属的浏览器配置（impit 的 TLS 配置随之而定）',
  ],
  'proxy.user_agent': [
    'User-Agent sent upstream (client hints derive from it)',
    '发往上游的 User-Agent（客户端提示由它推导）',
  ],
  'retry.max_retry': [
    'Attempts per upstream call, and accounts tried per request',
    '每次上游调用的尝试次数，也是每个请求尝试的账号数',
  ],
  'retry.retry_status_codes': ['Upstream statuses that are retried', '会被重试的上游状态码'],
  'retry.reset_session_status_codes': [
    'Statuses after which the connection is dropped and recreated',
    '出现后断开并重建连接的状态码',
  ],
  'retry.retry_backoff_base': ['Backoff base (s)', '退避基数（秒）'],
  'retry.retry_backoff_factor': ['Backoff factor', '退避倍数'],
  'retry.retry_backoff_max': ['Longest single backoff (s)', '单次退避的最长时间（秒）'],
  'retry.retry_budget': ['Total backoff budget per request (s)', '每个请求的退避总预算（秒）'],
  'retry.max_cooled_accounts': [
    'Accounts one request may put into cooling; a further rate limit fails the request instead of coo' +
      'ling more (one bad upstream moment cannot drain the pool)',
    '一个请求最多可让几个账号进入冷却；之后的限流直接让请求失败，不再冷却更多账号（上游一时异常不会拖' + '垮整个池）',
  ],
  'token.auto_refresh': ['Refresh quotas of cooling accounts on a schedule', '按计划刷新冷却中账号的额度'],
  'token.refresh_interval_hours': [
    'Basic pool refresh interval (hours, at most a week)',
    'Basic 池刷新间隔（小时，最多一周）',
  ],
  'token.super_refresh_interval_hours': [
    'Super pool refresh interval (hours, at most a week)',
    'Super 池刷新间隔（小时，最多一周）',
  ],
  'token.fail_threshold': [
    'Consecutive auth failures before an account is expired',
    '连续多少次鉴权失败后将账号标为失效',
  ],
  'token.save_delay_ms': ['Kept for compatibility: writes are immediate and atomic', '为兼容保留：写入是即时且原子的'],
  'token.usage_flush_interval_sec': [
    'Kept for compatibility: usage is written atomically per request',
    '为兼容保留：用量按请求原子写入',
  ],
  'token.reload_interval_sec': [
    'How often an instance re-reads accounts changed by other instances (0 = never)',
    '实例重新读取其他实例改动的账号的频率（0 = 从不）',
  ],
  'token.on_demand_refresh_enabled': [
    'Sync cooling accounts when a request finds none available',
    '请求找不到可用账号时同步冷却中的账号',
  ],
  'token.on_demand_refresh_min_interval_sec': [
    'Minimum seconds between on-demand refreshes',
    '两次按需刷新之间的最少秒数',
  ],
  'token.on_demand_refresh_max_tokens': ['Accounts synced per on-demand refresh', '每次按需刷新同步的账号数'],
  'token.consumed_mode_enabled': [
    'Pick the least-consumed account instead of the most remaining quota',
    '选择消耗最少的账号，而不是剩余额度最多的',
  ],
  'token.max_inflight_per_account': [
    'Requests one account may serve at once (0 = unlimited)',
    '一个账号可同时处理的请求数（0 = 不限）',
  ],
  'token.lease_ttl_sec': [
    'Lifetime of an account slot in the shared store; renewed while the request runs, so a crashed in' +
      'stance frees its slots within this time',
    '账号占用槽位在共享存储中的有效期；请求进行中会续期，实例崩溃后其槽位在此时间内释放',
  ],
  'log.max_file_size_mb': ['Log file rotation size (<=0: no size rotation)', '日志文件轮转大小（<=0：不按大小轮转）'],
  'log.max_files': ['Rotated log files kept (<=0: unlimited)', '保留的轮转日志文件数（<=0：不限）'],
  'log.log_health_requests': ['Log /health requests', '记录 /health 请求'],
  'log.log_all_requests': [
    'Log every request (otherwise only errors and slow ones)',
    '记录每个请求（否则只记录错误和慢请求）',
  ],
  'log.request_slow_ms': ['A request slower than this is logged', '慢于此值的请求会被记录'],
  'log.usage_retention_days': [
    'Days a usage record per chat, image or video request is kept in storage (0 = none kept)',
    '每条对话、图片或视频请求的用量记录在存储中保留的天数（0 = 不保留）',
  ],
  'cache.enable_auto_clean': ['Evict old media when the cache is over its limit', '缓存超过上限时清除旧媒体'],
  'cache.limit_mb': ['Media cache size limit', '媒体缓存大小上限'],
  'chat.concurrent': ['Concurrent upstream chat calls', '并发的上游对话调用数'],
  'chat.timeout': ['Upstream chat timeout until the first byte (s)', '上游对话首字节超时（秒）'],
  'chat.stream_timeout': [
    'Idle timeout between upstream stream reads (s, 0 disables)',
    '两次读取上游流之间的空闲超时（秒，0 为关闭）',
  ],
  'chat.reasoning_output': [
    'How reasoning reaches clients: the reasoning_content field, <think> tags inside content, or not ' + 'at all',
    '思考过程如何交给客户端：reasoning_content 字段、content 中的 <thi' + 'nk> 标签，或不输出',
  ],
  'chat.keepalive_interval': [
    'SSE keep-alive comment interval while the upstream is silent (s, 0 disables)',
    '上游无输出时 SSE 保活注释的间隔（秒，0 为关闭）',
  ],
  'chat.prompt_budget_chars': [
    'Character budget of the flattened upstream message: the oldest turns are dropped (with a marker)' +
      ' beyond it; system turns, the tool prompt and the latest input are always kept (0 disables)',
    '发往上游的扁平化消息的字符预算：超出时丢弃最早的轮次（并留下标记）；系统消息、工具提示和最新输入' +
      '始终保留（0 为关闭）',
  ],
  'chat.upstream_max_chars': [
    'Longest flattened message sent upstream; a request still over it after the budget is refused wit' +
      'h a 400 before any upstream call (0 disables)',
    '发往上游的扁平化消息的最大长度；按预算裁剪后仍超出的请求在调用上游前以 400 拒绝（0 为关闭' + '）',
  ],
  'chat.connect_timeout': [
    'Upstream connect deadline where it can be observed: the gateway WebSocket handshake (s, 0 disabl' + 'es)',
    '可观测处的上游连接期限：网关 WebSocket 握手（秒，0 为关闭）',
  ],
  'image.timeout': ['Image generation timeout (s)', '图片生成超时（秒）'],
  'image.stream_timeout': ['Image stream idle timeout (s)', '图片流空闲超时（秒）'],
  'image.final_timeout': [
    'Wait for the final image after a medium one (s)',
    '收到中等质量图片后等待最终图片的时间（秒）',
  ],
  'image.blocked_grace_seconds': [
    'Grace before a silent image stream is treated as moderated (s)',
    '静默的图片流被视为审核拦截前的宽限时间（秒）',
  ],
  'image.nsfw': ['Request NSFW-capable image generation', '请求可生成 NSFW 内容的图片'],
  'image.medium_min_bytes': ['Base64 length of a medium-quality image', '中等质量图片的 Base64 长度'],
  'image.final_min_bytes': ['Base64 length of a final image', '最终图片的 Base64 长度'],
  'image.blocked_parallel_attempts': ['Parallel recovery attempts', '并行恢复尝试次数'],
  'image.blocked_parallel_enabled': [
    'Retry moderated-looking generations in parallel',
    '对疑似被审核拦截的生成进行并行重试',
  ],
  'image.connect_timeout': [
    'Image WebSocket connect/handshake deadline (s, 0 disables)',
    '图片 WebSocket 连接/握手期限（秒，0 为关闭）',
  ],
  'imagine_fast.n': ['Images per grok-imagine-1.0-fast request', '每个 grok-imagine-1.0-fast 请求的图片数'],
  'imagine_fast.size': ['Image size for grok-imagine-1.0-fast', 'grok-imagine-1.0-fast 的图片尺寸'],
  'imagine_fast.nsfw': ['NSFW for grok-imagine-1.0-fast', 'grok-imagine-1.0-fast 的 NSFW 设置'],
  'imagine_fast.response_format': ['Output format for grok-imagine-1.0-fast', 'grok-imagine-1.0-fast 的输出格式'],
  'video.enable_public_asset': ['Create public share links for generated videos', '为生成的视频创建公开分享链接'],
  'video.concurrent': ['Concurrent video generations', '并发的视频生成数'],
  'video.timeout': ['Video request timeout (s)', '视频请求超时（秒）'],
  'video.stream_timeout': ['Video stream idle timeout (s)', '视频流空闲超时（秒）'],
  'video.upscale_timing': ['Upscale after every round or once at the end', '每轮之后超分，或在最后超分一次'],
  'video.connect_timeout': [
    'Video upstream connect deadline where observable (s, 0 disables)',
    '可观测处的视频上游连接期限（秒，0 为关闭）',
  ],
  'voice.livekit_url': [
    'LiveKit server the playground voice page dials with the brokered token (wss://…); empty turns vo' + 'ice off',
    '试用台语音页面用中转令牌连接的 LiveKit 服务器（wss://…）；为空则关闭语音',
  ],
  'voice.timeout': ['Voice token timeout (s)', '语音令牌超时（秒）'],
  'voice.connect_timeout': [
    'Voice (LiveKit) WebSocket connect deadline (s, 0 disables)',
    '语音（LiveKit）WebSocket 连接期限（秒，0 为关闭）',
  ],
  'asset.upload_concurrent': ['Concurrent uploads', '并发上传数'],
  'asset.upload_timeout': ['Upload timeout (s)', '上传超时（秒）'],
  'asset.download_concurrent': ['Concurrent downloads', '并发下载数'],
  'asset.download_timeout': ['Download timeout (s)', '下载超时（秒）'],
  'asset.list_concurrent': ['Concurrent asset listings', '并发资源列举数'],
  'asset.list_timeout': ['Asset listing timeout (s)', '资源列举超时（秒）'],
  'asset.list_batch_size': ['Accounts per listing batch', '每批列举的账号数'],
  'asset.delete_concurrent': ['Concurrent asset deletions', '并发资源删除数'],
  'asset.delete_timeout': ['Asset deletion timeout (s)', '资源删除超时（秒）'],
  'asset.delete_batch_size': ['Accounts per deletion batch', '每批删除的账号数'],
  'asset.connect_timeout': [
    'Asset host connect deadline where observable (s, 0 disables)',
    '可观测处的资源主机连接期限（秒，0 为关闭）',
  ],
  'nsfw.concurrent': ['Concurrent NSFW enablement calls', '并发的 NSFW 开启调用数'],
  'nsfw.batch_size': ['Accounts per NSFW enablement batch', '每批开启 NSFW 的账号数'],
  'nsfw.timeout': ['NSFW enablement call timeout (s)', 'NSFW 开启调用超时（秒）'],
  'usage.concurrent': ['Concurrent quota sync calls', '并发的额度同步调用数'],
  'usage.batch_size': ['Accounts per quota sync batch', '每批同步额度的账号数'],
  'usage.timeout': ['quota sync call timeout (s)', '额度同步调用超时（秒）'],
  'upstream.base_url': [
    'Grok web origin (REST and, as ws(s)://, WebSockets)',
    'Grok 网页源（REST，以及作为 ws(s):// 的 WebSocket）',
  ],
  'upstream.assets_url': ['Asset host for uploads and generated media', '上传与生成媒体所用的资源主机'],
  'upstream.accounts_url': ['Account service host', '账号服务主机'],
  'upstream.statsig_mode': [
    'How x-statsig-id is produced for REST calls: legacy (fabricated, as old releases did; the current web app sends 70-byte signed values), manual (statsig_value), or signer (your own statsig_signer_url)',
    'REST 调用的 x-statsig-id 生成方式：legacy（伪造，旧版本的做法；当前网页版发送 70 字节的签名值）、manual（statsig_value）或 signer（你自己的 statsig_signer_url）',
  ],
  'upstream.statsig_value': ['The x-statsig-id value in manual mode', '手动模式下的 x-statsig-id 值'],
  'upstream.statsig_signer_url': [
    "Operator's own signing service (signer mode); nothing is sent to a third party by default",
    '运营者自己的签名服务（signer 模式）；默认不会向任何第三方发送内容',
  ],
  'upstream.chat_transport': [
    'Chat protocol: REST conversations/new, the WebSocket model gateway /ws/mgw/, or auto (gateway, R' +
      'EST when the gateway or a user id is unavailable)',
    '对话协议：REST conversations/new、WebSocket 模型网关 /ws/m' +
      'gw/，或 auto（优先网关，网关或用户 id 不可用时用 REST）',
  ],
  'upstream.upload_protocol': [
    'Chat attachment upload: the current multipart upload-file-v2 or the legacy JSON/base64',
    '对话附件的上传方式：当前的 multipart upload-file-v2，或旧的 JSON/base64',
  ],
  'upstream.http_client': [
    "Upstream client: Bun's fetch and WebSocket; impit (browser TLS/HTTP2 fingerprint of proxy.browser for REST, Bun's WebSocket); or wreq (Chrome's TLS fingerprint for REST and both WebSockets)",
    '上游客户端：Bun 的 fetch 与 WebSocket；impit（REST 使用 proxy.browser 的浏览器 TLS/HTTP2 指纹，WebSocket 仍用 Bun）；或 wreq（REST 和两个 WebSocket 都使用 Chrome 的 TLS 指纹）',
  ],
  'metrics.enabled': ['Serve Prometheus metrics at /metrics', '在 /metrics 提供 Prometheus 指标'],
  'metrics.token': [
    'Bearer token scrapers must send to /metrics (empty: open, like /health)',
    '抓取方访问 /metrics 必须携带的 Bearer 令牌（为空：与 /health 一样公开' + '）',
  ],
  'diagnostics.capture_enabled': [
    'Keep the last upstream exchanges in memory (headers redacted, bodies truncated) for GET /v1/admi' +
      'n/diagnostics/capture',
    '在内存中保留最近的上游交互（请求头已脱敏，请求体已截断），供 GET /v1/admin/dia' + 'gnostics/capture 查看',
  ],
  'diagnostics.capture_size': ['How many upstream exchanges the capture keeps', '记录保留的上游交互条数'],
  'diagnostics.capture_body_bytes': [
    'Bytes of each request/response body (or WebSocket message) kept',
    '每个请求/响应体（或 WebSocket 消息）保留的字节数',
  ],
  'limits.max_body_mb': [
    'Largest request body (MB) of the JSON API routes (chat, responses, messages, images); larger is ' +
      'refused with 413',
    'JSON API 路由（chat、responses、messages、images）的最大请求' + '体（MB）；超出以 413 拒绝',
  ],
  'limits.max_upload_body_mb': [
    'Largest request body (MB) of the multipart upload routes (/v1/images/edits, /v1/videos)',
    'multipart 上传路由（/v1/images/edits、/v1/videos）的最大请求' + '体（MB）',
  ],
  'limits.max_admin_body_mb': [
    'Largest request body (MB) of the admin API (token import)',
    '管理 API（令牌导入）的最大请求体（MB）',
  ],
  'limits.max_messages': [
    'Most messages (chat, messages) or input items (responses) in one request',
    '单个请求中最多的消息数（chat、messages）或输入项数（responses）',
  ],
  'limits.max_content_parts': ['Most content parts in one message', '单条消息中最多的内容部分数'],
  'limits.max_tools': ['Most tools (functions) in one request', '单个请求中最多的工具（函数）数'],
  'limits.max_array_items': [
    'Most items of any other array (and fields of any object) in a request body',
    '请求体中其他任何数组的最多项数（以及任何对象的最多字段数）',
  ],
  'limits.max_string_chars': [
    'Longest string in a request body, in characters (data: URIs are bounded by the body size instead' + ')',
    '请求体中最长的字符串（字符数；data: URI 由请求体大小限制）',
  ],
  'limits.max_json_depth': ['Deepest nesting of a request body', '请求体的最大嵌套深度'],
  'limits.max_image_pixels': [
    'Largest image (width × height, read from its header) accepted as an attachment or edit/video ref' + 'erence',
    '作为附件或编辑/视频参考图时可接受的最大图片（宽 × 高，读取自文件头）',
  ],
  'cors.api_origins': [
    'Browser origins allowed to call the /v1 API (e.g. ["https://app.example.com"]); "*" = any origin' +
      ', never with credentials',
    '允许调用 /v1 API 的浏览器来源（如 ["https://app.example.com"' + ']）；"*" = 任意来源，且从不携带凭据',
  ],
  'cors.admin_origins': [
    'Browser origins allowed to call /v1/admin cross-origin; empty = none (the console is same-origin' + ')',
    '允许跨域调用 /v1/admin 的浏览器来源；为空 = 不允许（控制台是同源的）',
  ],
  'cors.max_age': ['Seconds browsers may cache a CORS preflight answer', '浏览器可缓存 CORS 预检结果的秒数'],
  'models.aliases': [
    'Model ids clients may send for our models, one `pattern=model` per entry (pattern: a glob, `*` a' +
      'ny characters, `?` one; case-insensitive; first match wins; our own ids always win). Used by cha' +
      't completions, responses and messages, and listed by /v1/models with `alias_for`. The defaults l' +
      'et Claude Code run without --model.',
    '客户端可用来指代我们模型的 id，每项一个 `pattern=model`（pattern 为通' +
      '配：`*` 任意字符，`?` 单个字符；不区分大小写；先匹配先生效；我们自己的 id 总是优先）' +
      '。用于 chat completions、responses 和 messages，并以 `al' +
      'ias_for` 列在 /v1/models 中。默认值让 Claude Code 无需 --m' +
      'odel 即可运行。',
  ],
};
