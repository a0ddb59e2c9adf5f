import { randomBytes } from 'node:crypto';
import { readSseEvents } from '../http/sse-events';
import { sizeForAspectRatio } from '../media/images/image-sizes';

/**
 * The playground's endless image "waterfall" (docs/python-compatibility.md §5 `/imagine`): round
 * after round of streamed image generations for one prompt, each round a request to our own
 * /v1/images/generations (same validation, pool, usage records), until the task is stopped, the
 * client leaves or the task's ten minutes are up. Events are the Python project's: `status`
 * running/stopped, the image stream's partial and completed images (base64), and `error`.
 */

export interface ImagineRun {
  prompt: string;
  aspectRatio: string;
  nsfw?: boolean;
  /** Sends a request through the whole app as an already authorised call. */
  call: (path: string, body: unknown) => Promise<Response>;
  /** False once the task was stopped (checked between rounds). */
  alive: () => Promise<boolean>;
  signal: AbortSignal;
  /** When the task ends at the latest (its session's lifetime). */
  deadline: number;
  clock?: () => number;
  /** Pauses after a round without an image: 2 s when no account was free, 1.5 s after an error (Python project's). */
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Images per round: the most one streamed generation renders. */
const IMAGES_PER_ROUND = 2;

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** One round's events; `failed` tells the loop to pause before the next. */
async function* oneRound(
  run: ImagineRun,
  runId: string,
  counter: { sequence: number; failed: boolean; status: number },
) {
  const response = await run.call('/v1/images/generations', {
    model: 'grok-imagine-1.0',
    prompt: run.prompt,
    n: IMAGES_PER_ROUND,
    size: sizeForAspectRatio(run.aspectRatio),
    stream: true,
    response_format: 'b64_json',
    ...(run.nsfw === undefined ? {} : { nsfw: run.nsfw }),
  });
  counter.status = response.status;
  if (!response.ok || !response.body) {
    const failure = (
      (await response.json().catch(() => null)) as { error?: { message?: string; code?: string } } | null
    )?.error;
    counter.failed = true;
    yield {
      type: 'error',
      message: failure?.message ?? `image generation failed (${response.status})`,
      code: failure?.code ?? 'image_generation_failed',
      run_id: runId,
    };
    return;
  }
  for await (const { event, data } of readSseEvents(response.body)) {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(data) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (event === 'error' || payload.type === 'error') {
      counter.failed = true;
      const error = (payload.error ?? {}) as { message?: string; code?: string };
      yield {
        type: 'error',
        message: error.message ?? 'image generation failed',
        code: error.code ?? 'image_generation_failed',
        run_id: runId,
      };
      continue;
    }
    const type = typeof payload.type === 'string' ? payload.type : (event ?? 'message');
    const completed = type.endsWith('.completed');
    if (completed) counter.sequence += 1;
    yield {
      ...payload,
      type,
      ...(completed ? { sequence: counter.sequence } : {}),
      aspect_ratio: run.aspectRatio,
      run_id: runId,
    };
  }
}

export async function* imagineEvents(run: ImagineRun): AsyncGenerator<Record<string, unknown>> {
  const clock = run.clock ?? Date.now;
  const pause = run.pause ?? abortableSleep;
  const runId = randomBytes(16).toString('hex');
  yield { type: 'status', status: 'running', prompt: run.prompt, aspect_ratio: run.aspectRatio, run_id: runId };
  const counter = { sequence: 0, failed: false, status: 200 };
  while (!run.signal.aborted && clock() < run.deadline && (await run.alive())) {
    counter.failed = false;
    try {
      yield* oneRound(run, runId, counter);
    } catch (error) {
      // A stop aborts the round's request; anything else is reported and the loop goes on.
      if (run.signal.aborted) break;
      counter.failed = true;
      yield {
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        code: 'internal_error',
        run_id: runId,
      };
    }
    if (counter.failed && !run.signal.aborted) await pause(counter.status === 429 ? 2000 : 1500, run.signal);
  }
  yield { type: 'status', status: 'stopped', run_id: runId };
}
