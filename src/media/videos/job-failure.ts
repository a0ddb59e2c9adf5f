import { ApiError } from '../../http/errors';
import type { VideoJob } from './video-job';
import { NEEDS_LEGACY_FORM } from './video-protocol';

/** A failed job as the error a blocking client should see. */
export function jobFailure(job: Pick<VideoJob, 'error'>): ApiError {
  const code = job.error?.code ?? 'video_generation_failed';
  if (code === 'content_policy_violation' || code === 'content_moderated') {
    return new ApiError({
      status: 400,
      message: job.error?.message ?? 'The video was moderated.',
      code: 'content_policy_violation',
      param: 'prompt',
    });
  }
  // The request asks for what only the legacy upstream form makes, and the upstream refused that form.
  if (code === NEEDS_LEGACY_FORM) {
    return new ApiError({
      status: 400,
      message: job.error?.message ?? 'This video needs the legacy upstream video form.',
      code,
      param: job.error?.param ?? null,
    });
  }
  if (code === 'rate_limited' || code === 'usage_limit' || code === 'no_available_account') {
    return new ApiError({
      status: 429,
      message: job.error?.message ?? 'No account available.',
      code,
      retryAfterSeconds: 60,
    });
  }
  return new ApiError({
    status: 502,
    message: job.error?.message ?? 'Video generation failed.',
    code,
    type: 'server_error',
  });
}
