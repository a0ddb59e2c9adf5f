import { Type, type Static } from '@sinclair/typebox';
import type { RecordStore } from '../../storage/types';

/**
 * A video job as stored in `storage.records` (collection `video_jobs`), so every instance on
 * the same storage reads the same state and jobs outlive a restart. The public fields follow
 * OpenAI's video object.
 */

export const VIDEO_JOBS = 'video_jobs';

export const VideoJob = Type.Object({
  id: Type.String(),
  object: Type.Literal('video'),
  model: Type.String(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('in_progress'),
    Type.Literal('completed'),
    Type.Literal('failed'),
  ]),
  progress: Type.Number(),
  created_at: Type.Number(),
  completed_at: Type.Union([Type.Number(), Type.Null()]),
  prompt: Type.String(),
  size: Type.String(),
  seconds: Type.String(),
  quality: Type.String(),
  /** Link to the cached file once completed. */
  url: Type.Union([Type.String(), Type.Null()]),
  /** `param` names the request field a failure is about, when one is (e.g. `seconds`). */
  error: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String(), param: Type.Optional(Type.String()) }),
    Type.Null(),
  ]),
  /** Internal: the cache name of the finished file and what was rendered. */
  file_name: Type.Union([Type.String(), Type.Null()]),
  resolution: Type.String(),
  rounds: Type.Number(),
  upscaled: Type.Boolean(),
  /**
   * Which upstream form made the video: `current` (one `mediaGenInput.textToVideo` turn,
   * docs/upstream-protocol.md §13.1) or `legacy` (media post + `videoGenModelConfig` rounds, §13.2);
   * null until it is done. Optional: jobs stored before this field existed lack it.
   */
  protocol: Type.Optional(Type.Union([Type.Literal('current'), Type.Literal('legacy'), Type.Null()])),
  /** Internal: epoch ms of the running instance's last sign of life. */
  heartbeat_at: Type.Optional(Type.Number()),
});

export type VideoJob = Static<typeof VideoJob>;

/** Seven days: long enough to fetch the result, short enough that the table does not grow forever. */
const JOB_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** A running job whose instance stopped writing for this long is reported failed (the instance died). */
export const STALE_JOB_MS = 10 * 60 * 1000;
export const HEARTBEAT_MS = 30 * 1000;

/** What a reader should believe about a job: an unfinished job nobody touches any more did not survive its instance. */
export function settledView(job: VideoJob, now: number): VideoJob {
  if (job.status === 'completed' || job.status === 'failed') return job;
  const lastSign = job.heartbeat_at ?? job.created_at * 1000;
  if (now - lastSign <= STALE_JOB_MS) return job;
  return {
    ...job,
    status: 'failed',
    error: {
      code: 'job_interrupted',
      message: 'The gateway instance running this video stopped before it finished. Create the video again.',
    },
  };
}

export class VideoJobStore {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: () => number = Date.now,
  ) {}

  async save(job: VideoJob): Promise<void> {
    await this.records.put(VIDEO_JOBS, job.id, job, { expiresAt: this.clock() + JOB_LIFETIME_MS });
  }

  async get(id: string): Promise<VideoJob | null> {
    return this.records.get<VideoJob>(VIDEO_JOBS, id);
  }

  async update(id: string, patch: Partial<VideoJob>): Promise<VideoJob | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = { ...current, ...patch };
    await this.save(next);
    return next;
  }
}

/** What clients see: OpenAI's video object plus our `url`; internal fields stay inside. */
export function publicVideo(job: VideoJob): Record<string, unknown> {
  const { file_name: _file, heartbeat_at: _heartbeat, ...visible } = job;
  return visible;
}
