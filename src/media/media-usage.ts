import { ApiError } from '../http/errors';
import type { UsageRecorder } from '../usage/usage-recorder';
import { jobFailure } from './videos/job-failure';

/**
 * Usage records for image and video requests, beside chat's (src/usage): one per request, with
 * its outcome, latency and what was made (images, seconds of video). Never throws.
 */

export interface MediaUsageContext {
  usage?: UsageRecorder;
  startedAt: number;
  /** The client's Authorization header (stored only as a hash id and a masked form). */
  authorization: string | null;
  model: string;
}

export type MediaOutcome =
  | { kind: 'image'; token: string; images: number }
  | { kind: 'video'; token: string | null; seconds: number; failure?: { code: string } }
  | { kind: 'image' | 'video'; error: unknown; token?: string | null; cancelled?: boolean };

export function recordMediaUsage(context: MediaUsageContext, outcome: MediaOutcome): void {
  const usage = context.usage;
  if (!usage) return;
  const common = {
    startedAt: context.startedAt,
    authorization: context.authorization,
    model: context.model,
    answerText: '',
    promptTokens: 0,
    completionTokens: 0,
  };
  if ('error' in outcome) {
    const api = outcome.error instanceof ApiError ? outcome.error : null;
    void usage.record({
      ...common,
      kind: outcome.kind,
      token: outcome.token ?? null,
      outcome: outcome.cancelled ? 'cancelled' : outcome.token ? 'failed' : 'rejected',
      status: api?.status ?? 500,
      errorCode: api?.code ?? null,
      ...(outcome.kind === 'image' ? { images: 0 } : { videoSeconds: 0 }),
    });
    return;
  }
  if (outcome.kind === 'image') {
    void usage.record({ ...common, kind: 'image', token: outcome.token, outcome: 'completed', images: outcome.images });
    return;
  }
  void usage.record({
    ...common,
    kind: 'video',
    token: outcome.token,
    outcome: outcome.failure ? 'failed' : 'completed',
    ...(outcome.failure
      ? {
          status: jobFailure({ error: { code: outcome.failure.code, message: '' } }).status,
          errorCode: outcome.failure.code,
        }
      : {}),
    videoSeconds: outcome.failure ? 0 : outcome.seconds,
  });
}
