import { randomBytes } from 'node:crypto';
import type { CatalogModel } from '../../catalog/models';
import type { Lease } from '../../pool/account-pool';
import { apiErrorFromUpstream } from '../../http/upstream-failure';
import { UpstreamError } from '../../upstream/errors';
import { fileLink } from '../files-routes';
import { ConcurrencyLimit } from '../../upstream/concurrency-limit';
import { HEARTBEAT_MS, publicVideo, settledView, type VideoJob, type VideoJobStore } from './video-job';
import { refuseWhatCurrentCannotMake, VideoProtocolMemory, type VideoParams } from './video-protocol';
import { recordMediaUsage } from '../media-usage';
import type { UsageRecorder } from '../../usage/usage-recorder';
import {
  renderVideo,
  VideoGenerationError,
  type VideoDependencies,
  type VideoOutcome,
  type VideoSpec,
} from './video-runner';

/**
 * Creates video jobs, runs them in the background on this instance and keeps their state in
 * storage. A job is rendered on one account; a failure before the upstream accepted a round
 * (rate limit, expired session) moves to another account, anything later fails the job, because
 * a generation the upstream already accepted is never replayed.
 */

export interface VideoServiceDependencies extends VideoDependencies {
  jobs: VideoJobStore;
  /** Each job leaves one usage record when it ends, beside chat's. */
  usage?: UsageRecorder;
}

export interface CreateVideoInput extends VideoSpec {
  size: string;
  quality: string;
  /** Base of the /v1/files link written into the job. */
  baseUrl: string;
  /** The client's Authorization header, for the usage record (hashed and masked there). */
  authorization?: string | null;
  /** The request's names for the length and the reference image, for errors that name them. */
  params: VideoParams;
}

const PROGRESS_STEP = 5;

function acquire(
  deps: VideoServiceDependencies,
  model: CatalogModel,
  preferSuper: boolean,
  tried: Set<string>,
): Lease | null {
  // 720p and long videos prefer Super accounts (§13.3), falling back to any account.
  if (preferSuper) {
    const lease = deps.pool.acquire({ model: { ...model, tier: 'super' }, exclude: tried });
    if (lease) return lease;
  }
  return deps.pool.acquire({ model, exclude: tried });
}

export class VideoService {
  private readonly running = new Map<string, Promise<VideoJob>>();

  /** Jobs this instance is running or waiting to run (the metrics gauge). */
  activeJobs(): number {
    return this.running.size;
  }
  private readonly slots: ConcurrencyLimit;

  constructor(private readonly deps: VideoServiceDependencies) {
    // `video.protocol = "auto"` remembers a refused current form for this process only.
    this.deps = { ...deps, protocolMemory: deps.protocolMemory ?? new VideoProtocolMemory() };
    this.slots = new ConcurrencyLimit(() => deps.config().video.concurrent);
  }

  async create(input: CreateVideoInput): Promise<{ job: VideoJob; done: Promise<VideoJob> }> {
    const question = { seconds: input.seconds, hasReference: input.reference !== undefined };
    refuseWhatCurrentCannotMake(this.deps.config(), question, input.params);
    const job: VideoJob = {
      id: `video_${randomBytes(12).toString('hex')}`,
      object: 'video',
      model: input.model.id,
      status: 'queued',
      progress: 0,
      created_at: Math.floor(Date.now() / 1000),
      completed_at: null,
      prompt: input.prompt,
      size: input.size,
      seconds: String(input.seconds),
      quality: input.quality,
      url: null,
      error: null,
      file_name: null,
      resolution: input.resolution,
      rounds: 0,
      upscaled: false,
      protocol: null,
      heartbeat_at: Date.now(),
    };
    await this.deps.jobs.save(job);
    const done = this.run(job, input).finally(() => this.running.delete(job.id));
    this.running.set(job.id, done);
    return { job, done };
  }

  /** Resolves when the job ends, whichever instance runs it (polls storage for others' jobs). */
  async wait(id: string, signal?: AbortSignal, pollMs = 500): Promise<VideoJob | null> {
    const local = this.running.get(id);
    if (local) return local;
    for (;;) {
      const stored = await this.deps.jobs.get(id);
      const job = stored && settledView(stored, Date.now());
      if (!job || job.status === 'completed' || job.status === 'failed' || signal?.aborted) return job;
      await Bun.sleep(pollMs);
    }
  }

  private async run(job: VideoJob, input: CreateVideoInput): Promise<VideoJob> {
    // Writes of one job go through one chain, so a late progress write never overwrites the end state.
    let chain: Promise<VideoJob | null> = Promise.resolve(null);
    const write = (patch: Partial<VideoJob>) =>
      (chain = chain.then(() => this.deps.jobs.update(job.id, patch)).catch(() => null));
    let reported = 0;
    const onProgress = (progress: number) => {
      if (progress < reported + PROGRESS_STEP) return;
      reported = progress;
      void write({ status: 'in_progress', progress });
    };
    // Jobs beyond video.concurrent wait queued; a heartbeat tells other instances this one is alive.
    const release = await this.slots.acquire();
    const heartbeat = setInterval(() => void write({ heartbeat_at: Date.now() }), HEARTBEAT_MS);
    const authorization = input.authorization ?? null;
    const usage = { usage: this.deps.usage, startedAt: Date.now(), authorization, model: input.model.id };
    const served: { token: string | null } = { token: null };
    try {
      const outcome = await this.renderWithFailover(input, write, onProgress, served);
      recordMediaUsage(usage, { kind: 'video', token: served.token, seconds: input.seconds });
      const finished = await write({
        status: 'completed',
        progress: 100,
        completed_at: Math.floor(Date.now() / 1000),
        file_name: outcome.fileName,
        url: fileLink(input.baseUrl, 'video', outcome.fileName),
        resolution: outcome.resolution,
        rounds: outcome.rounds,
        upscaled: outcome.upscaled,
        protocol: outcome.protocol,
      });
      return finished ?? job;
    } catch (error) {
      // Upstream failures read the same in a job as in any other answer (openai/upstream-failure.ts).
      const upstream = error instanceof UpstreamError ? apiErrorFromUpstream(error) : null;
      const code = error instanceof VideoGenerationError ? error.code : (upstream?.code ?? 'video_generation_failed');
      const message = upstream ? upstream.message : error instanceof Error ? error.message : String(error);
      // A video only the legacy form makes names what in the request needs it (docs/media.md).
      const need = error instanceof VideoGenerationError ? error.need : undefined;
      const param = need ? { param: need === 'reference' ? input.params.reference : input.params.seconds } : {};
      this.deps.logger.warn('video job failed', { id: job.id, code });
      recordMediaUsage(usage, { kind: 'video', token: served.token, seconds: 0, failure: { code } });
      const failed = { status: 'failed' as const, error: { code, message, ...param } };
      return (await write({ ...failed, completed_at: Math.floor(Date.now() / 1000) })) ?? job;
    } finally {
      clearInterval(heartbeat);
      release();
    }
  }

  private async renderWithFailover(
    input: CreateVideoInput,
    write: (patch: Partial<VideoJob>) => Promise<unknown>,
    onProgress: (progress: number) => void,
    served: { token: string | null },
  ): Promise<VideoOutcome> {
    const tried = new Set<string>();
    const preferSuper = input.resolution === '720p' || input.seconds > 6;
    let lastError: unknown = new VideoGenerationError(
      'no_available_account',
      'No Grok account can render this video right now.',
    );
    for (let attempt = 0; attempt < this.deps.config().retry.max_retry; attempt++) {
      const lease = acquire(this.deps, input.model, preferSuper, tried);
      if (!lease) break;
      tried.add(lease.token);
      served.token = lease.token;
      let accepted = false;
      await write({ status: 'in_progress' });
      try {
        const outcome = await renderVideo(input, lease, this.deps, (progress) => {
          accepted = true;
          onProgress(progress);
        });
        await this.deps.pool.reportSuccess(lease, input.model.cost);
        return outcome;
      } catch (error) {
        if (error instanceof UpstreamError) await this.deps.pool.reportFailure(lease, error);
        else lease.release();
        lastError = error;
        if (accepted || !(error instanceof UpstreamError) || !error.retryable) break;
      }
    }
    throw lastError;
  }
}

export { publicVideo };
