import type { CatalogModel } from '../../catalog/models';
import type { Config } from '../../config/schema';
import type { Logger } from '../../logging/logger';
import { ApiError } from '../../http/errors';
import { apiErrorFromUpstream } from '../../http/upstream-failure';
import type { AccountPool, Lease } from '../../pool/account-pool';
import { UpstreamError } from '../../upstream/errors';
import type { GrokChatStream, GrokClient } from '../../upstream/grok/client';
import { buildImageEditPayload, buildImageGenerationPayload, IMAGES_PER_CALL } from '../../upstream/grok/image-payload';
import { openImagineSession, type ImagineSession } from '../../upstream/grok/imagine-socket';
import type { LoadedAttachment } from '../../attachments/attachment-loader';

/**
 * Runs one image request against the pool: picks an account, opens the upstream calls (several
 * in parallel when n is larger than one call renders), and reads the images out of the streams.
 * Opening fails over to another account (up to retry.max_retry); once a stream is read nothing is
 * replayed. Moderated images are dropped, never padded with placeholders.
 */

export interface ImageJob {
  model: CatalogModel;
  prompt: string;
  n: number;
  nsfw: boolean;
  /** Sent by the Imagine WebSocket and the edit call; chat-based generation has no size field (§12.2). */
  aspectRatio?: string;
  /** Present for an edit: the images to upload, already limited to the last three. */
  editImages?: LoadedAttachment[];
  signal: AbortSignal;
  /** Set on the one extra run that makes images a first run could not; it is never refilled itself. */
  refill?: boolean;
}

export interface ImageDependencies {
  pool: AccountPool;
  grok: GrokClient;
  config: () => Config;
  logger: Logger;
}

/** A preview: an upstream URL to download, or bytes the upstream already sent. */
export interface PartialImage {
  index: number;
  url?: string;
  bytes?: Uint8Array;
  progress: number;
}

/** A final image: its upstream URL and, from the Imagine WebSocket, its bytes. */
export interface GeneratedImage {
  url?: string;
  bytes?: Uint8Array;
  /** The account that made this image when it is not the result's `token` (a refill on another account). */
  token?: string;
}

export interface ImageResult {
  /** The account that owns the images; its cookie is needed to download them. */
  token: string;
  images: GeneratedImage[];
  /** Images asked for but not made, for reasons other than moderation, after the one refill. */
  missing: number;
}

interface OpenedAttempt {
  lease: Lease;
  streams?: GrokChatStream[];
  imagine?: ImagineSession;
}

function callPlan(job: ImageJob): number[] {
  // The edit call renders one image; generation renders up to two per call (§12.2, §12.4).
  const perCall = job.editImages ? 1 : IMAGES_PER_CALL;
  const plan: number[] = [];
  for (let left = job.n; left > 0; left -= perCall) plan.push(Math.min(perCall, left));
  return plan;
}

async function openOn(lease: Lease, job: ImageJob, deps: ImageDependencies): Promise<GrokChatStream[]> {
  const config = deps.config();
  let payloads: Record<string, unknown>[];
  if (job.editImages) {
    const assets: string[] = [];
    // docs/upstream-protocol.md §11.2, §12.4: the web app's Imagine upload, with its file_source.
    for (const image of job.editImages) {
      assets.push((await deps.grok.uploadFile(lease.token, image, job.signal, { imagine: true })).fileId);
    }
    payloads = callPlan(job).map(() =>
      buildImageEditPayload({ prompt: job.prompt, inputAssets: assets, aspectRatio: job.aspectRatio }),
    );
  } else {
    payloads = callPlan(job).map((count) =>
      buildImageGenerationPayload({ prompt: job.prompt, count, nsfw: job.nsfw, model: job.model, config }),
    );
  }
  const opened = await Promise.allSettled(
    payloads.map((payload) => deps.grok.chat({ token: lease.token, payload, signal: job.signal, service: 'image' })),
  );
  const failure = opened.find((result) => result.status === 'rejected');
  if (failure) {
    for (const result of opened) if (result.status === 'fulfilled') result.value.close();
    throw failure.reason;
  }
  return opened.map((result) => (result as PromiseFulfilledResult<GrokChatStream>).value);
}

/** Errors after which the chat-based path on the same account cannot do better. */
const accountBound = (error: UpstreamError) => error.accountEffect !== 'none' || error.code === 'content_moderated';

/**
 * The Imagine WebSocket goes first for generation: it honours the size and renders n images in
 * one request (docs/python-compatibility.md appendix B 8). A failure that is not the
 * account's answers undefined, so the caller falls back to chat-based generation.
 */
async function openImagineOn(
  lease: Lease,
  job: ImageJob,
  deps: ImageDependencies,
): Promise<ImagineSession | undefined> {
  const proxyUrl = deps.grok.egressFor(lease.token);
  try {
    const request = {
      config: deps.config(),
      token: lease.token,
      prompt: job.prompt,
      count: job.n,
      aspectRatio: job.aspectRatio ?? '1:1',
      nsfw: job.nsfw,
      signal: job.signal,
      proxyUrl,
    };
    // The socket's proxy is judged as chat's is: a transport failure cools it.
    return await deps.grok.throughEgress(proxyUrl, () => openImagineSession(request));
  } catch (error) {
    if (!(error instanceof UpstreamError) || accountBound(error)) throw error;
    deps.logger.warn('imagine websocket unavailable; using chat-based generation', {
      code: error.code,
      status: error.status,
    });
    return undefined;
  }
}

async function openAttempt(job: ImageJob, deps: ImageDependencies): Promise<OpenedAttempt> {
  const tried = new Set<string>();
  let lastError: UpstreamError | null = null;
  for (let attempt = 0; attempt < deps.config().retry.max_retry; attempt++) {
    const lease = deps.pool.acquire({ model: job.model, exclude: tried, preferTags: job.nsfw ? ['nsfw'] : undefined });
    if (!lease) break;
    tried.add(lease.token);
    try {
      if (!job.editImages) {
        const imagine = await openImagineOn(lease, job, deps);
        if (imagine) return { lease, imagine };
      }
      return { lease, streams: await openOn(lease, job, deps) };
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        lease.release();
        throw error;
      }
      await deps.pool.reportFailure(lease, error);
      deps.logger.warn('image attempt failed', { attempt: attempt + 1, code: error.code, status: error.status });
      lastError = error;
      if (!error.retryable || job.signal.aborted) break;
    }
  }
  if (lastError) throw apiErrorFromUpstream(lastError);
  throw new ApiError({
    status: 429,
    message: `No Grok account can serve ${job.model.id} right now. Retry later or add accounts.`,
    code: 'no_available_account',
    retryAfterSeconds: 60,
  });
}

interface StreamHarvest {
  finals: string[];
  moderated: number;
  error?: unknown;
}

async function harvest(
  stream: GrokChatStream,
  offset: number,
  onPartial?: (partial: PartialImage) => void,
): Promise<StreamHarvest> {
  const finals: string[] = [];
  const moderatedUrls = new Set<string>();
  try {
    for await (const event of stream.events) {
      if (event.type === 'image') {
        if (event.moderated) moderatedUrls.add(event.url);
        else if (event.progress >= 100) {
          if (!finals.includes(event.url)) finals.push(event.url);
        } else onPartial?.({ index: offset + event.index, url: event.url, progress: event.progress });
      } else if (event.type === 'final') {
        for (const url of event.generatedImageUrls)
          if (!moderatedUrls.has(url) && !finals.includes(url)) finals.push(url);
      }
    }
    return { finals: finals.filter((url) => !moderatedUrls.has(url)), moderated: moderatedUrls.size };
  } catch (error) {
    return { finals: finals.filter((url) => !moderatedUrls.has(url)), moderated: moderatedUrls.size, error };
  } finally {
    stream.close();
  }
}

export interface ImageRun {
  /** The account the calls run on; its cookie downloads partial and final images. */
  token: string;
  /** Reads the opened streams to the end; throws an ApiError when no image survived. */
  collect(onPartial?: (partial: PartialImage) => void): Promise<ImageResult>;
}

/** Opens the upstream calls (failing over between accounts); reading them is a second step, so a streaming route can still answer a proper status when opening fails. */
export async function startImages(job: ImageJob, deps: ImageDependencies): Promise<ImageRun> {
  const opened = await openAttempt(job, deps);
  return { token: opened.lease.token, collect: (onPartial) => collectImages(opened, job, deps, onPartial) };
}

export async function generateImages(
  job: ImageJob,
  deps: ImageDependencies,
  onPartial?: (partial: PartialImage) => void,
): Promise<ImageResult> {
  return (await startImages(job, deps)).collect(onPartial);
}

async function collectImages(
  opened: OpenedAttempt,
  job: ImageJob,
  deps: ImageDependencies,
  onPartial?: (partial: PartialImage) => void,
): Promise<ImageResult> {
  const { lease } = opened;
  let streams = opened.streams;
  let images: GeneratedImage[] = [];
  let moderated = 0;
  let upstreamError: UpstreamError | undefined;
  let otherError: unknown;

  if (opened.imagine) {
    try {
      const result = await opened.imagine.collect((preview) =>
        onPartial?.({ index: preview.index, bytes: preview.bytes, progress: preview.progress }),
      );
      images = result.images.map((image) => ({
        url: image.url,
        bytes: image.bytes.length > 0 ? image.bytes : undefined,
      }));
      moderated = result.moderated;
    } catch (error) {
      if (error instanceof UpstreamError && !accountBound(error)) {
        // The socket broke without it being the account's fault: chat-based generation on the same account.
        deps.logger.warn('imagine websocket failed; using chat-based generation', { code: error.code });
        streams = await openOn(lease, job, deps).catch((openError: unknown) => {
          upstreamError = openError instanceof UpstreamError ? openError : undefined;
          otherError = openError instanceof UpstreamError ? undefined : openError;
          return undefined;
        });
      } else if (error instanceof UpstreamError) upstreamError = error;
      else otherError = error;
    }
  }

  if (streams) {
    const plan = callPlan(job);
    const offsets = plan.map((_, call) => plan.slice(0, call).reduce((sum, count) => sum + count, 0));
    const harvests = await Promise.all(streams.map((stream, call) => harvest(stream, offsets[call] ?? 0, onPartial)));
    const urls: string[] = [];
    for (const result of harvests) for (const url of result.finals) if (!urls.includes(url)) urls.push(url);
    images = urls.map((url) => ({ url }));
    moderated += harvests.reduce((sum, result) => sum + result.moderated, 0);
    upstreamError = harvests.map((result) => result.error).find((error) => error instanceof UpstreamError) as
      | UpstreamError
      | undefined;
    otherError = harvests
      .map((result) => result.error)
      .find((error) => error !== undefined && !(error instanceof UpstreamError));
  }

  if (upstreamError) await deps.pool.reportFailure(lease, upstreamError);
  else if (otherError) lease.release();
  else await deps.pool.reportSuccess(lease, job.model.cost);

  if (images.length === 0) {
    if (upstreamError) throw apiErrorFromUpstream(upstreamError);
    if (otherError) throw otherError;
    if (moderated > 0) {
      throw new ApiError({
        status: 400,
        message:
          'Grok moderated every generated image: the prompt or result violates its content policy. Rephrase the prompt.',
        code: 'content_policy_violation',
        param: 'prompt',
      });
    }
    throw new ApiError({
      status: 502,
      message: 'Grok finished without producing an image.',
      code: 'image_generation_failed',
      type: 'server_error',
    });
  }
  const shortfall = Math.max(0, job.n - images.length - moderated);
  const extra = shortfall > 0 && !job.refill ? await refill(job, shortfall, deps) : { images: [], moderated: 0 };
  const all = [...images, ...extra.images].slice(0, job.n);
  const missing = Math.max(0, job.n - all.length - moderated - extra.moderated);
  if (missing > 0) {
    const counts = { asked: job.n, made: all.length, moderated: moderated + extra.moderated, missing };
    deps.logger.warn('fewer images than asked', counts);
  }
  return { token: lease.token, images: all, missing };
}

/**
 * docs/fault-table.md "Imagine slots": images lost for reasons other than moderation (a slot that
 * never sent its final, a broken stream) are generated once more, on whichever account the pool
 * gives (the same or another). A refill that fails leaves the answer short; it never fails it.
 */
async function refill(
  job: ImageJob,
  count: number,
  deps: ImageDependencies,
): Promise<{ images: GeneratedImage[]; moderated: number }> {
  deps.logger.info('generating missing images once more', { missing: count });
  try {
    const result = await generateImages({ ...job, n: count, refill: true }, deps);
    const moderated = Math.max(0, count - result.images.length - result.missing);
    return { images: result.images.map((image) => ({ ...image, token: image.token ?? result.token })), moderated };
  } catch (error) {
    const moderated = error instanceof ApiError && error.code === 'content_policy_violation' ? count : 0;
    deps.logger.warn('image refill failed', { error: error instanceof Error ? error.message : String(error) });
    return { images: [], moderated };
  }
}
