import type { Config } from '../../config/schema';
import { UpstreamError } from '../../upstream/errors';
import { CURRENT_VIDEO_SECONDS } from '../../upstream/grok/video-calls';

/**
 * Which upstream form renders a video (docs/upstream-protocol.md §13.1 current, §13.2 legacy).
 * `video.protocol = "auto"` tries the current form and, once the upstream refuses its body, uses
 * the legacy form for the rest of the process; `current` and `legacy` force one form. Whatever
 * the setting, what only the legacy form can make (image-to-video, more than one current turn's
 * length) goes the legacy way.
 */

export type VideoProtocol = 'current' | 'legacy';

export interface VideoProtocolQuestion {
  seconds: number;
  hasReference: boolean;
}

export interface VideoProtocolChoice {
  protocol: VideoProtocol;
  /** `auto` chose the current form and may still fall back to the legacy one. */
  mayFallBack: boolean;
  /** Why the legacy form was chosen, for the log. */
  reason?: string;
}

/** Per process (one per VideoService): whether the upstream refused the current body. */
export class VideoProtocolMemory {
  private refusedAt: number | null = null;

  currentRefused(): boolean {
    return this.refusedAt !== null;
  }

  rememberCurrentRefused(now = Date.now()): void {
    this.refusedAt ??= now;
  }
}

export function chooseVideoProtocol(
  config: Config,
  question: VideoProtocolQuestion,
  memory: VideoProtocolMemory,
): VideoProtocolChoice {
  if (question.hasReference)
    return { protocol: 'legacy', mayFallBack: false, reason: 'image-to-video exists only in the legacy form' };
  if (question.seconds > CURRENT_VIDEO_SECONDS.max) {
    return {
      protocol: 'legacy',
      mayFallBack: false,
      reason: `one current turn renders at most ${CURRENT_VIDEO_SECONDS.max} s`,
    };
  }
  const setting = config.video.protocol;
  if (setting === 'legacy') return { protocol: 'legacy', mayFallBack: false, reason: 'video.protocol = legacy' };
  if (setting === 'current') return { protocol: 'current', mayFallBack: false };
  if (memory.currentRefused())
    return { protocol: 'legacy', mayFallBack: false, reason: 'the upstream refused the current form earlier' };
  return { protocol: 'current', mayFallBack: true };
}

/**
 * The upstream refused the current body itself (400/404/422 that is neither moderation nor about
 * the account), as an upstream without that form does; nothing was rendered, so the legacy form
 * may follow on the same account.
 */
export function isBodyRefusal(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.accountEffect !== 'none' || error.code === 'content_moderated')
    return false;
  return error.status === 400 || error.status === 404 || error.status === 422;
}
