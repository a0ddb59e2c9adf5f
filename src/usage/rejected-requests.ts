import type { UsageKind, UsageRecorder } from './usage-recorder';

/**
 * Client requests answered with an error before any model or account ran for them — a missing or
 * wrong key (401/403), an invalid body (400), a key's rate limit (429) — are usage too: the
 * dashboard counts every request. Requests the conversation runner or the media services already
 * recorded (they set `usageRecorded`) are not recorded twice.
 */

/** The generation endpoints, by what they make; the playground's /v1/function copies included. */
const KIND_BY_PATH: Record<string, UsageKind> = {
  '/v1/chat/completions': 'chat',
  '/v1/messages': 'chat',
  '/v1/responses': 'chat',
  '/v1/images/generations': 'image',
  '/v1/images/edits': 'image',
  '/v1/videos': 'video',
  '/v1/function/chat/completions': 'chat',
  '/v1/function/images/generations': 'image',
  '/v1/function/imagine/start': 'image',
  '/v1/function/video/start': 'video',
};

export interface RejectedRequest {
  request: Request;
  path: string;
  status: number;
  durationMs: number;
  context: { usageRecorded?: boolean; error?: { code: string | null } };
  body: unknown;
}

/** The model a body names, if it names one (bodies that failed validation may not). */
function modelOf(body: unknown): string {
  const model = body && typeof body === 'object' ? (body as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model.slice(0, 128) : '';
}

/** The client's key as the usage records take it: Bearer, or Anthropic's x-api-key. */
function authorizationOf(request: Request): string | null {
  const apiKey = request.headers.get('x-api-key')?.trim();
  return apiKey ? `Bearer ${apiKey}` : request.headers.get('authorization');
}

/**
 * Records `finished` when it is a refused generation request nothing else recorded.
 * `kindOfModel`: what a model id makes (a chat route may serve an image or video model).
 */
export function recordRejectedRequest(
  usage: UsageRecorder,
  finished: RejectedRequest,
  kindOfModel: (model: string) => UsageKind | undefined,
): void {
  const pathKind = KIND_BY_PATH[finished.path.replace(/\/+$/, '')];
  if (!pathKind || finished.request.method !== 'POST') return;
  if (finished.status < 400 || finished.context.usageRecorded) return;
  const model = modelOf(finished.body);
  void usage.record({
    startedAt: Date.now() - finished.durationMs,
    authorization: authorizationOf(finished.request),
    model,
    token: null,
    outcome: 'rejected',
    status: finished.status,
    errorCode: finished.context.error?.code ?? null,
    answerText: '',
    promptTokens: 0,
    completionTokens: 0,
    kind: (model && kindOfModel(model)) || pathKind,
  });
}
