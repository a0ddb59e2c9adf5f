import type { Config } from '../../config/schema';
import { invalidRequest } from '../../http/errors';
import { UpstreamError } from '../../upstream/errors';
import { CURRENT_VIDEO_SECONDS } from '../../upstream/grok/video-calls';

/**
 * Which upstream form renders a video (docs/upstream-protocol.md §13.1 current, §13.2 legacy).
 * `video.protocol = "auto"` tries the current form and, once the upstream refuses its body, uses
 * the legacy form for the rest of the process; `current` and `legacy` force one form. What only
 * the legacy form can make (image-to-video, more than one current turn's length) goes the legacy
 * way under `auto` and `legacy`, and is refused with a 400 under `current`. When the upstream
 * refuses the form a video needs, the job fails with a code that says so (docs/media.md).
 */

export type VideoProtocol = 'current' | 'legacy';

/** Why a video can only be made in the legacy form: a reference image, or more than one current turn. */
export type LegacyNeed = 'reference' | 'length';

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
  /** The video needs the legacy form (no setting could make it in the current one). */
  need?: LegacyNeed;
  /** `auto` chose the legacy form only because the current one was refused earlier in this process. */
  remembered?: boolean;
}

/** The failure code of a video only the legacy form can make when that form is unavailable (400). */
export const NEEDS_LEGACY_FORM = 'video_needs_legacy_form';
/** The failure code of a text-to-video whose form(s) the upstream refused (502: the operator's to fix). */
export const FORM_REFUSED = 'video_form_refused';

/** Per process (one per VideoService): whether the upstream refused the current body. */
export class VideoProtocolMemory {
  private refusedAt: number | null = null;

  currentRefused(): boolean {
    return this.refusedAt !== null;
  }

  rememberCurrentRefused(now = Date.now()): void {
    this.refusedAt ??= now;
  }

  /** The legacy form was refused since: the upstream changed, so the current form is worth a try again. */
  forgetCurrentRefused(): void {
    this.refusedAt = null;
  }
}

export function legacyNeed(question: VideoProtocolQuestion): LegacyNeed | undefined {
  if (question.hasReference) return 'reference';
  if (question.seconds > CURRENT_VIDEO_SECONDS.max) return 'length';
  return undefined;
}

/** Why the need exists, in words for a log line or an error message. */
export function needReason(need: LegacyNeed, seconds: number): string {
  // docs/upstream-protocol.md §13.1: no known image-to-video field in the current form.
  if (need === 'reference') return 'the current form has no image-to-video';
  return `one current turn renders at most ${CURRENT_VIDEO_SECONDS.max} s; ${seconds} s takes legacy extension rounds`;
}

export function chooseVideoProtocol(
  config: Config,
  question: VideoProtocolQuestion,
  memory: VideoProtocolMemory,
): VideoProtocolChoice {
  const need = legacyNeed(question);
  if (need) return { protocol: 'legacy', mayFallBack: false, reason: needReason(need, question.seconds), need };
  const setting = config.video.protocol;
  if (setting === 'legacy') return { protocol: 'legacy', mayFallBack: false, reason: 'video.protocol = legacy' };
  if (setting === 'current') return { protocol: 'current', mayFallBack: false };
  if (memory.currentRefused()) {
    const reason = 'the upstream refused the current form earlier';
    return { protocol: 'legacy', mayFallBack: false, reason, remembered: true };
  }
  return { protocol: 'current', mayFallBack: true };
}

/** The request's own names for the fields that decide the form (they differ by route). */
export interface VideoParams {
  seconds: string;
  reference: string;
}

/**
 * `video.protocol = "current"` makes only what one current turn can: a longer video or an
 * image-to-video is a 400 naming the parameter, before a job exists.
 */
export function refuseWhatCurrentCannotMake(config: Config, question: VideoProtocolQuestion, params: VideoParams) {
  if (config.video.protocol !== 'current') return;
  const need = legacyNeed(question);
  if (!need) return;
  const what = need === 'reference' ? 'Image-to-video' : `A ${question.seconds} s video`;
  const instead =
    need === 'reference'
      ? `leave out ${params.reference}`
      : `set ${params.seconds} to ${CURRENT_VIDEO_SECONDS.max} or less`;
  throw invalidRequest(
    `${what} needs the legacy upstream video form (${needReason(need, question.seconds)}), and ` +
      `video.protocol = "current" does not use it: ${instead}, or set video.protocol to "auto".`,
    need === 'reference' ? params.reference : params.seconds,
    NEEDS_LEGACY_FORM,
  );
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
