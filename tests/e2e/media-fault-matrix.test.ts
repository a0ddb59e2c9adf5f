import { afterEach, describe, expect, test } from 'bun:test';
import { pngFor } from '../../src/simulator/media-bytes';
import type { Fault, SimulatorOptions } from '../../src/simulator/server';
import { startHarness, type Harness, soleAccountState } from '../helpers/gateway-harness';

// The fault matrix for media (issue 7 item 7; docs/upstream-protocol.md §5, §12, §13):
// every upstream fault on each media path — image generation over the Imagine WebSocket and over
// chat, image edits, and video jobs — with what the client gets, that it ends within the deadline
// the image/video config allows (the chat deadlines are set far longer, so a media call that used
// them would miss it), how many upstream calls were made, and what happened to the account.
// docs/fault-table.md carries these rows too.

const IMAGINE_PATH = '/ws/imagine/listen';
const CHAT_PATH = '/rest/app-chat/conversations/new';
/** Imagine edits upload the web app's way, multipart with file_source (§11.2). */
const UPLOAD_PATH = '/http/upload-file-v2/direct';
const POST_CREATE_PATH = '/rest/media/post/create';

const TIMEOUTS = {
  // Far longer than the media deadlines below: a media call on these would be overdue.
  GROK2API_CHAT_TIMEOUT: '60',
  GROK2API_CHAT_STREAM_TIMEOUT: '60',
  GROK2API_CHAT_CONNECT_TIMEOUT: '60',
  GROK2API_IMAGE_TIMEOUT: '1',
  GROK2API_IMAGE_STREAM_TIMEOUT: '1',
  GROK2API_IMAGE_CONNECT_TIMEOUT: '1',
  GROK2API_VIDEO_TIMEOUT: '1',
  GROK2API_VIDEO_STREAM_TIMEOUT: '1',
  GROK2API_VIDEO_CONNECT_TIMEOUT: '1',
  GROK2API_RETRY_RETRY_BACKOFF_BASE: '0.05',
  GROK2API_RETRY_RETRY_BACKOFF_MAX: '0.2',
  GROK2API_RETRY_RETRY_BUDGET: '1',
};
const MAX_RETRY = 3;
/**
 * What the config allows one media request: per attempt a handshake, a first byte and an idle
 * deadline on the Imagine socket and again on the chat fallback, plus the backoff budget.
 */
const DEADLINE_MS = (MAX_RETRY * 2 * (1 + 1 + 1) + 1) * 1000 + 2000;
const FOREVER = 99;

type Path = 'imagine' | 'image-chat' | 'edit' | 'video (current form)' | 'video (legacy form)';
type VideoProtocol = 'current' | 'legacy';

/**
 * Images: the HTTP answer. Videos: the job's end state once creation answered 200, or the answer of a
 * creation refused at once (a 400 under `video.protocol = "current"`).
 */
type Outcome =
  | { status: number; code: string; retryAfter?: string; missing?: string }
  | { job: 'completed' | 'failed'; code: string | null; protocol?: VideoProtocol | null };

interface Row {
  name: string;
  /** Queued in this order; each names its path. */
  faults?: Fault[];
  env?: (h: { simulatorPort: number }) => Record<string, string>;
  /** Simulator options for the row (e.g. which video form the upstream knows). */
  simulator?: SimulatorOptions;
  /** Images asked for; default 1. */
  n?: number;
  /** Video request fields beyond the 6 s text-to-video every video row sends. */
  video?: Record<string, unknown>;
  outcome: Outcome;
  /** Upstream calls by path, for the paths named (a call never replayed shows as 1). */
  calls: Partial<Record<'imagine' | 'chat' | 'upload' | 'post', number>>;
  account: { status: string; fail_count: number };
  /** What must have been sent upstream, checked after the outcome. */
  sent?: (h: Harness) => void;
}

const active = { status: 'active', fail_count: 0 };
const cooling = { status: 'cooling', fail_count: 0 };
const authFailed = { status: 'active', fail_count: 1 };
/** The chat-based image path: the Imagine socket is refused for the whole request. */
const socketDown: Fault = { kind: 'server_error', status: 502, times: FOREVER, match: { path: IMAGINE_PATH } };
const onChat = (fault: Omit<Fault, 'match'>): Fault => ({ ...fault, match: { path: CHAT_PATH } });
const onImagine = (fault: Omit<Fault, 'match'>): Fault => ({ ...fault, match: { path: IMAGINE_PATH } });
const deadPort = () => ({ GROK_BASE_URL: 'http://127.0.0.1:9', GROK_ASSETS_URL: 'http://127.0.0.1:9' });
const deadProxy = () => ({ GROK2API_PROXY_BASE_PROXY_URL: 'http://127.0.0.1:9' });
/** The asset host fails every download of generated media (§11.6). */
const downloadFails: Fault = { kind: 'download_failure', status: 500, times: FOREVER };
const plainBehindTls = ({ simulatorPort }: { simulatorPort: number }) => ({
  GROK_BASE_URL: `https://127.0.0.1:${simulatorPort}`,
});
/** What only the legacy form makes (docs/upstream-protocol.md §13.1, §13.3): longer than 15 s, or from an image. */
const LONG: Record<string, unknown> = { seconds: '20' };
const FROM_IMAGE = () => ({
  image_reference: `data:image/png;base64,${Buffer.from(pngFor('reference')).toString('base64')}`,
});
/** The refusal of an unknown body, as a current-only upstream answers a legacy turn (§13.8). */
const bodyRefused: Fault = {
  kind: 'status',
  status: 400,
  body: '{"code":3,"message":"invalid argument: unknown field \\"textToVideo\\" in mediaGenInput","details":[]}',
  match: { path: CHAT_PATH },
};

/**
 * The video rows on one upstream form (docs/upstream-protocol.md §13.1 current: one turn, no media
 * post; §13.2 legacy: a media post, then the turn). The current form runs under `video.protocol =
 * "auto"` against the simulator's default, an upstream that knows only the current form; the legacy
 * form runs under `video.protocol = "legacy"` against a legacy-only upstream, unless a row says
 * otherwise. The media-frame rows (findings 2 and 3 of issue 15) hold whatever text the turn
 * carries: the outcome is read from the video frames.
 */
function videoRows(protocol: VideoProtocol): Row[] {
  const post = protocol === 'legacy' ? 1 : 0;
  const legacyOnly: Row[] = [
    {
      name: '401 at the media post',
      faults: [{ kind: 'unauthorized', times: FOREVER, match: { path: POST_CREATE_PATH } }],
      outcome: { job: 'failed', code: 'upstream_auth_failed' },
      calls: { post: 1, chat: 0 },
      account: authFailed,
    },
    {
      name: '429 at the media post',
      faults: [{ kind: 'rate_limited', retryAfterSeconds: 30, times: FOREVER, match: { path: POST_CREATE_PATH } }],
      outcome: { job: 'failed', code: 'upstream_rate_limited' },
      calls: { post: 1, chat: 0 },
      account: cooling,
    },
    // Forced legacy against an upstream that has only the current form: a clear failure, no silent switch.
    {
      name: 'legacy form refused (current-only upstream): no media post route',
      simulator: { videoProtocols: 'current' },
      outcome: { job: 'failed', code: 'video_form_refused' },
      calls: { post: 1, chat: 0 },
      account: active,
    },
  ];
  // `auto` against the strict default (current only) and against a legacy-only upstream: the fallback rows.
  const currentOnly: Row[] = [
    // The refused turn rendered nothing; the legacy form follows on the same account.
    {
      name: 'current body refused (legacy-only upstream): falls back',
      simulator: { videoProtocols: 'legacy' },
      outcome: { job: 'completed', code: null, protocol: 'legacy' },
      calls: { post: 1, chat: 2 },
      account: active,
    },
    // What only the legacy form makes goes there at once, without a refused current turn first.
    {
      name: '20 s (legacy-only upstream): the legacy chain at once',
      simulator: { videoProtocols: 'legacy' },
      video: LONG,
      outcome: { job: 'completed', code: null, protocol: 'legacy' },
      calls: { post: 1, chat: 4 },
      account: active,
    },
    // The strict default has no legacy form: the job says what the request needs (400 through `wait`).
    {
      name: '20 s (current-only upstream): needs the legacy form',
      video: LONG,
      outcome: { job: 'failed', code: 'video_needs_legacy_form' },
      calls: { post: 1, chat: 0 },
      account: active,
    },
    {
      name: 'image-to-video (current-only upstream): needs the legacy form',
      video: FROM_IMAGE(),
      outcome: { job: 'failed', code: 'video_needs_legacy_form' },
      calls: { post: 1, chat: 0, upload: 1 },
      account: active,
    },
    // `video.protocol = "current"` refuses it before a job exists, naming the parameter.
    {
      name: '20 s with video.protocol = current: 400 at once',
      env: () => ({ GROK2API_VIDEO_PROTOCOL: 'current' }),
      video: LONG,
      outcome: { status: 400, code: 'video_needs_legacy_form' },
      calls: { post: 0, chat: 0 },
      account: active,
    },
    // Both forms refused (the current turn by a fault, the legacy form by the strict default).
    {
      name: 'both forms refused',
      faults: [bodyRefused],
      outcome: { job: 'failed', code: 'video_form_refused' },
      calls: { post: 1, chat: 1 },
      account: active,
    },
  ];
  return [
    {
      name: 'success',
      outcome: { job: 'completed', code: null, protocol },
      calls: { post, chat: 1 },
      account: active,
    },
    ...(protocol === 'legacy' ? legacyOnly : currentOnly),
    {
      name: '401 at the render call',
      faults: [onChat({ kind: 'unauthorized' })],
      outcome: { job: 'failed', code: 'upstream_auth_failed' },
      calls: { post, chat: 1 },
      account: authFailed,
    },
    {
      name: '403 Cloudflare challenge',
      faults: [onChat({ kind: 'cloudflare', times: FOREVER })],
      outcome: { job: 'failed', code: 'upstream_challenge' },
      calls: { post, chat: MAX_RETRY },
      account: active,
    },
    {
      name: '502 at the render call',
      faults: [onChat({ kind: 'server_error', status: 502, times: FOREVER })],
      outcome: { job: 'failed', code: 'upstream_error' },
      calls: { post, chat: MAX_RETRY },
      account: active,
    },
    {
      name: 'slow first byte',
      faults: [onChat({ kind: 'slow_first_byte', delayMs: 3000 })],
      outcome: { job: 'failed', code: 'upstream_timeout' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'stall before any progress',
      faults: [onChat({ kind: 'stall', afterFrames: 0 })],
      outcome: { job: 'failed', code: 'upstream_timeout' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'stall mid-render',
      faults: [onChat({ kind: 'stall', afterFrames: 2 })],
      outcome: { job: 'failed', code: 'upstream_timeout' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'cut mid-object',
      faults: [onChat({ kind: 'cut', afterFrames: 2 })],
      outcome: { job: 'failed', code: 'upstream_error' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'malformed frame',
      faults: [onChat({ kind: 'malformed', afterFrames: 1 })],
      outcome: { job: 'failed', code: 'upstream_error' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'in-band code 7 (anti-bot)',
      faults: [onChat({ kind: 'inband_error', code: 7, times: FOREVER })],
      outcome: { job: 'failed', code: 'upstream_challenge' },
      calls: { post, chat: MAX_RETRY },
      account: active,
    },
    {
      name: 'in-band usage limit',
      faults: [onChat({ kind: 'usage_limit' })],
      outcome: { job: 'failed', code: 'upstream_rate_limited' },
      calls: { post, chat: 1 },
      account: cooling,
    },
    {
      name: 'moderated',
      faults: [onChat({ kind: 'moderated' })],
      outcome: { job: 'failed', code: 'content_policy_violation' },
      calls: { post, chat: 1 },
      account: active,
    },
    // Finding 2: `moderated` with no URL and no text is a content-policy refusal, not an empty answer.
    {
      name: 'moderated, the turn carries no text',
      faults: [onChat({ kind: 'moderated', withoutText: true })],
      outcome: { job: 'failed', code: 'content_policy_violation' },
      calls: { post, chat: 1 },
      account: active,
    },
    // Finding 3: a videoUrl at progress 100 is the video, text or no text.
    {
      name: 'finished, the turn carries no text',
      faults: [onChat({ kind: 'textless' })],
      outcome: { job: 'completed', code: null },
      calls: { post, chat: 1 },
      account: active,
    },
    // Neither a URL nor moderation: a 502-class failure that says what was seen.
    {
      name: 'progress but neither a URL nor moderation',
      faults: [onChat({ kind: 'no_media' })],
      outcome: { job: 'failed', code: 'video_generation_failed' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'the video download fails',
      faults: [downloadFails],
      outcome: { job: 'failed', code: 'upstream_error' },
      calls: { post, chat: 1 },
      account: active,
    },
    {
      name: 'connection refused',
      env: deadPort,
      outcome: { job: 'failed', code: 'upstream_error' },
      calls: { post: 0, chat: 0 },
      account: active,
    },
  ];
}

function editSentWithoutAspectRatio(h: Harness) {
  const edit = h.simulator.requests.find((request) => request.path === CHAT_PATH)!.body as {
    mediaGenInput: { imageToImage: object };
  };
  expect(edit.mediaGenInput.imageToImage).not.toHaveProperty('aspectRatio');
}

function uploadSentFileSource(h: Harness) {
  const upload = h.simulator.requests.find((request) => request.path === UPLOAD_PATH)!.body as { file_source?: string };
  expect(upload.file_source).toBe('IMAGINE_SELF_UPLOAD_FILE_SOURCE');
}

const MATRIX: Record<Path, Row[]> = {
  imagine: [
    { name: 'success', outcome: { status: 200, code: '' }, calls: { imagine: 2, chat: 0 }, account: active },
    {
      name: '401 at the handshake',
      faults: [onImagine({ kind: 'unauthorized' })],
      outcome: { status: 502, code: 'upstream_auth_failed' },
      calls: { imagine: 0, chat: 0 },
      account: authFailed,
    },
    // The refused handshake's own Retry-After is read (egress/handshake-websocket.ts).
    {
      name: '429 at the handshake',
      faults: [onImagine({ kind: 'rate_limited', retryAfterSeconds: 30 })],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '30' },
      calls: { imagine: 0, chat: 0 },
      account: cooling,
    },
    // Not the account's fault: chat-based generation on the same account takes over.
    {
      name: '403 challenge at the handshake',
      faults: [onImagine({ kind: 'cloudflare' })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 0, chat: 1 },
      account: active,
    },
    {
      name: '502 at the handshake',
      faults: [onImagine({ kind: 'server_error', status: 502 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 0, chat: 1 },
      account: active,
    },
    {
      name: 'in-band usage limit',
      faults: [onImagine({ kind: 'usage_limit' })],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
      calls: { imagine: 2, chat: 0 },
      account: cooling,
    },
    {
      name: 'every image moderated',
      faults: [onImagine({ kind: 'moderated' })],
      outcome: { status: 400, code: 'content_policy_violation' },
      calls: { imagine: 2, chat: 0 },
      account: active,
    },
    {
      name: 'stall before any frame',
      faults: [onImagine({ kind: 'stall', afterFrames: 0 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 2, chat: 1 },
      account: active,
    },
    {
      name: 'stall mid-batch',
      faults: [onImagine({ kind: 'stall', afterFrames: 2 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 2, chat: 1 },
      account: active,
    },
    {
      name: 'close 1011 before the final image',
      faults: [onImagine({ kind: 'close', closeCode: 1011, afterFrames: 2 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 2, chat: 1 },
      account: active,
    },
    {
      name: 'close 1000 before the final image',
      faults: [onImagine({ kind: 'close', closeCode: 1000, afterFrames: 2 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 2, chat: 1 },
      account: active,
    },
    // Finding 4 (§12.1 lets a slot's `completed` come before its final image): both images are kept.
    {
      name: 'completed before the final image (n=2)',
      n: 2,
      faults: [onImagine({ kind: 'completed_first' })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 2, chat: 0 },
      account: active,
    },
    // One slot never sends its final: the first image is kept, the missing one is generated once more.
    {
      name: 'a slot without its final (n=2): made once more',
      n: 2,
      faults: [onImagine({ kind: 'stall', afterFrames: 6 })],
      outcome: { status: 200, code: '' },
      calls: { imagine: 4, chat: 0 },
      account: active,
    },
    // The refill fails too (the account hits its limit): the answer carries what was made and says what is missing.
    {
      name: 'a slot without its final, refill refused (n=2)',
      n: 2,
      faults: [onImagine({ kind: 'stall', afterFrames: 6 }), onImagine({ kind: 'usage_limit' })],
      outcome: { status: 200, code: '', missing: '1' },
      calls: { imagine: 4, chat: 0 },
      account: cooling,
    },
    {
      name: 'connection refused',
      env: deadPort,
      outcome: { status: 502, code: 'upstream_error' },
      calls: { imagine: 0, chat: 0 },
      account: active,
    },
    // The socket leaves through the account's proxy too, so a dead proxy fails it and the fallback.
    {
      name: 'proxy failure',
      env: deadProxy,
      outcome: { status: 502, code: 'upstream_error' },
      calls: { imagine: 0, chat: 0 },
      account: active,
    },
    {
      name: 'TLS failure',
      env: plainBehindTls,
      outcome: { status: 502, code: 'upstream_error' },
      calls: { imagine: 0, chat: 0 },
      account: active,
    },
  ],
  'image-chat': [
    { name: 'success', faults: [socketDown], outcome: { status: 200, code: '' }, calls: { chat: 1 }, account: active },
    {
      name: '401 unauthorized',
      faults: [socketDown, onChat({ kind: 'unauthorized' })],
      outcome: { status: 502, code: 'upstream_auth_failed' },
      calls: { chat: 1 },
      account: authFailed,
    },
    {
      name: '403 Cloudflare challenge (HTML)',
      faults: [socketDown, onChat({ kind: 'cloudflare', times: FOREVER })],
      outcome: { status: 502, code: 'upstream_challenge' },
      calls: { chat: MAX_RETRY },
      account: active,
    },
    {
      name: '429 with Retry-After',
      faults: [socketDown, onChat({ kind: 'rate_limited', retryAfterSeconds: 30 })],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '30' },
      calls: { chat: 1 },
      account: cooling,
    },
    {
      name: '502 (in retry_status_codes)',
      faults: [socketDown, onChat({ kind: 'server_error', status: 502, times: FOREVER })],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { chat: MAX_RETRY },
      account: active,
    },
    {
      name: 'slow first byte',
      faults: [socketDown, onChat({ kind: 'slow_first_byte', delayMs: 3000 })],
      outcome: { status: 504, code: 'upstream_timeout' },
      calls: { chat: 1 },
      account: active,
    },
    {
      name: 'stall before any content',
      faults: [socketDown, onChat({ kind: 'stall', afterFrames: 0 })],
      outcome: { status: 504, code: 'upstream_timeout' },
      calls: { chat: 1 },
      account: active,
    },
    {
      name: 'cut mid-object',
      faults: [socketDown, onChat({ kind: 'cut', afterFrames: 1 })],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { chat: 1 },
      account: active,
    },
    {
      name: 'malformed frame',
      faults: [socketDown, onChat({ kind: 'malformed', afterFrames: 1 })],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { chat: 1 },
      account: active,
    },
    {
      name: 'in-band code 7 (anti-bot)',
      faults: [socketDown, onChat({ kind: 'inband_error', code: 7, times: FOREVER })],
      outcome: { status: 502, code: 'upstream_challenge' },
      calls: { chat: MAX_RETRY },
      account: active,
    },
    {
      name: 'in-band usage limit',
      faults: [socketDown, onChat({ kind: 'usage_limit' })],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
      calls: { chat: 1 },
      account: cooling,
    },
    {
      name: 'every image moderated',
      faults: [socketDown, onChat({ kind: 'moderated' })],
      outcome: { status: 400, code: 'content_policy_violation' },
      calls: { chat: 1 },
      account: active,
    },
    // Findings 2 and 3 on the image turn: judged by its image frames, whatever the text.
    {
      name: 'every image moderated, the turn carries no text',
      faults: [socketDown, onChat({ kind: 'moderated', withoutText: true })],
      outcome: { status: 400, code: 'content_policy_violation' },
      calls: { chat: 1 },
      account: active,
    },
    {
      name: 'images, the turn carries no text',
      faults: [socketDown, onChat({ kind: 'textless' })],
      outcome: { status: 200, code: '' },
      calls: { chat: 1 },
      account: active,
    },
    // The images were made but cannot be fetched: a 502, the generation is not replayed.
    {
      name: 'the image download fails',
      faults: [socketDown, downloadFails],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { chat: 1 },
      account: active,
    },
  ],
  edit: [
    { name: 'success', outcome: { status: 200, code: '' }, calls: { upload: 1, chat: 1 }, account: active },
    // Finding 5 (§12.4): no size from the client, no aspectRatio upstream.
    {
      name: 'no size: no aspectRatio sent',
      outcome: { status: 200, code: '' },
      calls: { upload: 1, chat: 1 },
      account: active,
      sent: editSentWithoutAspectRatio,
    },
    // Finding 6 (§11.2): the upload carries the web app's Imagine file_source.
    {
      name: 'the upload sends file_source',
      outcome: { status: 200, code: '' },
      calls: { upload: 1, chat: 1 },
      account: active,
      sent: uploadSentFileSource,
    },
    {
      name: '401 at the upload',
      faults: [{ kind: 'unauthorized', times: FOREVER, match: { path: UPLOAD_PATH } }],
      outcome: { status: 502, code: 'upstream_auth_failed' },
      calls: { upload: 1, chat: 0 },
      account: authFailed,
    },
    {
      name: '429 at the upload',
      faults: [{ kind: 'rate_limited', retryAfterSeconds: 30, times: FOREVER, match: { path: UPLOAD_PATH } }],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '30' },
      calls: { upload: 1, chat: 0 },
      account: cooling,
    },
    {
      name: '401 at the edit call',
      faults: [onChat({ kind: 'unauthorized' })],
      outcome: { status: 502, code: 'upstream_auth_failed' },
      calls: { upload: 1, chat: 1 },
      account: authFailed,
    },
    {
      name: '502 at the edit call',
      faults: [onChat({ kind: 'server_error', status: 502, times: FOREVER })],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { upload: 1, chat: MAX_RETRY },
      account: active,
    },
    {
      name: 'stall before any content',
      faults: [onChat({ kind: 'stall', afterFrames: 0 })],
      outcome: { status: 504, code: 'upstream_timeout' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    {
      name: 'cut mid-object',
      faults: [onChat({ kind: 'cut', afterFrames: 1 })],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    {
      name: 'in-band usage limit',
      faults: [onChat({ kind: 'usage_limit' })],
      outcome: { status: 429, code: 'upstream_rate_limited', retryAfter: '60' },
      calls: { upload: 1, chat: 1 },
      account: cooling,
    },
    {
      name: 'moderated',
      faults: [onChat({ kind: 'moderated' })],
      outcome: { status: 400, code: 'content_policy_violation' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    // Findings 2 and 3 on the edit turn: judged by its image frames, whatever the text.
    {
      name: 'moderated, the turn carries no text',
      faults: [onChat({ kind: 'moderated', withoutText: true })],
      outcome: { status: 400, code: 'content_policy_violation' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    {
      name: 'the edited image, the turn carries no text',
      faults: [onChat({ kind: 'textless' })],
      outcome: { status: 200, code: '' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    {
      name: 'the image download fails',
      faults: [downloadFails],
      outcome: { status: 502, code: 'upstream_error' },
      calls: { upload: 1, chat: 1 },
      account: active,
    },
    {
      name: 'connection refused',
      env: deadPort,
      outcome: { status: 502, code: 'upstream_error' },
      calls: { upload: 0, chat: 0 },
      account: active,
    },
  ],
  'video (current form)': videoRows('current'),
  'video (legacy form)': videoRows('legacy'),
};

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.stop();
  harness = null;
});

/** Upstream calls by path, refused ones included. */
function callCounts(h: Harness) {
  const requests = h.simulator.requests;
  // The Imagine socket records each message it handled: the reset and the request.
  return {
    imagine: requests.filter((request) => request.method === 'WS' && request.path === IMAGINE_PATH).length,
    chat: requests.filter((request) => request.method === 'POST' && request.path === CHAT_PATH).length,
    upload: requests.filter((request) => request.method === 'POST' && request.path === UPLOAD_PATH).length,
    post: requests.filter((request) => request.method === 'POST' && request.path === POST_CREATE_PATH).length,
  };
}

const PNG = `data:image/png;base64,${Buffer.from(pngFor('edit-source')).toString('base64')}`;

async function imageOutcome(response: Response, n = 1): Promise<Outcome> {
  const body = (await response.json()) as { error?: { code: string }; data?: { b64_json?: string }[] };
  const missing = response.headers.get('x-grok2api-images-missing') ?? undefined;
  if (response.status === 200) {
    // Every image asked for, each with bytes (finding 4: none lost), unless the answer says some are missing.
    expect(body.data).toHaveLength(n - Number(missing ?? 0));
    for (const image of body.data ?? []) expect(image.b64_json?.length ?? 0).toBeGreaterThan(0);
  }
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  return {
    status: response.status,
    code: body.error?.code ?? '',
    ...(retryAfter && response.status === 429 ? { retryAfter } : {}),
    ...(missing ? { missing } : {}),
  };
}

async function run(h: Harness, path: Path, row: Row): Promise<Outcome> {
  const post = (url: string, body: unknown) => h.api(url, { method: 'POST', body: JSON.stringify(body) });
  if (path === 'imagine' || path === 'image-chat') {
    const n = row.n ?? 1;
    return imageOutcome(
      await post('/v1/images/generations', {
        model: 'grok-imagine-1.0',
        prompt: 'a fox',
        n,
        response_format: 'b64_json',
      }),
      n,
    );
  }
  if (path === 'edit')
    return imageOutcome(
      await post('/v1/images/edits', {
        model: 'grok-imagine-1.0-edit',
        prompt: 'blue',
        images: [{ image_url: PNG }],
        response_format: 'b64_json',
      }),
    );
  const created = await post('/v1/videos', {
    model: 'grok-imagine-1.0-video',
    prompt: 'rain clears',
    seconds: '6',
    ...row.video,
  });
  if (created.status !== 200) {
    const refused = (await created.json()) as { error: { code: string } };
    return { status: created.status, code: refused.error.code };
  }
  const { id } = (await created.json()) as { id: string };
  for (;;) {
    const job = (await (await h.api(`/v1/videos/${id}`)).json()) as {
      status: string;
      error: { code: string } | null;
      protocol: VideoProtocol | null;
    };
    if (job.status === 'completed' || job.status === 'failed') {
      // Rows that name the form compare it; the others compare status and code only.
      const protocol = 'job' in row.outcome && 'protocol' in row.outcome ? { protocol: job.protocol } : {};
      return { job: job.status, code: job.error?.code ?? null, ...protocol };
    }
    await Bun.sleep(25);
  }
}

for (const [path, rows] of Object.entries(MATRIX) as [Path, Row[]][]) {
  describe(`media fault matrix: ${path}`, () => {
    for (const row of rows) {
      test(
        row.name,
        async () => {
          const legacy = path === 'video (legacy form)';
          const protocol: Record<string, string> = legacy ? { GROK2API_VIDEO_PROTOCOL: 'legacy' } : {};
          const upstream: SimulatorOptions | undefined = legacy ? { videoProtocols: 'legacy' } : undefined;
          harness = await startHarness({
            accounts: [{ token: 'account-a', tier: 'basic' }],
            simulator: row.simulator ?? upstream,
            env: (simulator) => ({ ...TIMEOUTS, ...protocol, ...row.env?.({ simulatorPort: simulator.port }) }),
          });
          const h = harness;
          for (const fault of row.faults ?? []) h.simulator.enqueueFault(fault);

          let timer: ReturnType<typeof setTimeout> | undefined;
          const overdue = new Promise<'overdue'>(
            (resolve) => (timer = setTimeout(() => resolve('overdue'), DEADLINE_MS)),
          );
          const outcome = await Promise.race([run(h, path, row), overdue]).finally(() => clearTimeout(timer));
          expect(outcome).not.toBe('overdue');
          expect(outcome).toEqual(row.outcome);
          expect(callCounts(h)).toMatchObject(row.calls);
          expect(await soleAccountState(h)).toEqual(row.account);
          row.sent?.(h);
        },
        DEADLINE_MS + 5000,
      );
    }
  });
}
