import { routeGroup, routeGroups } from '../http/route-groups';
import { Elysia, t } from 'elysia';
import type { Config } from '../config/schema';
import { aspectRatioOf, ASPECT_RATIOS, IMAGE_SIZES } from '../media/images/image-sizes';
import { ApiError, invalidRequest } from '../http/errors';
import { SSE_HEADERS } from '../http/sse';
import { readVideoConfig } from '../media/videos/video-options';
import type { RecordStore } from '../storage/types';
import { FunctionSessions, SESSION_TTL_MS } from './function-sessions';
import { imagineEvents } from './imagine-loop';
import { PythonBody, pythonRouteDetail } from '../admin-console/python-compatible/route-detail';

/**
 * The Python project's playground task routes (docs/python-compatibility.md §5): `/imagine/*`
 * and `/video/*` under /v1/function. A `start` call checks the form and stores a task; its
 * stream (SSE, or the imagine WebSocket) runs it through our own /v1 routes as an authorised
 * call; `stop` drops tasks. The streams, like the Python project's, are reached with the task's
 * unguessable id alone (browsers' EventSource sends no header), or with the function key.
 */

export interface FunctionTaskRoutesDependencies {
  config: () => Config;
  records: RecordStore;
  /** Runs a request through the whole app (app.handle). */
  handle: (request: Request) => Promise<Response>;
  /** Marks a request built here as already authorised for the client routes. */
  trust: (request: Request) => Request;
  clock?: () => number;
}

export interface ImagineTask {
  prompt: string;
  aspect_ratio: string;
  nsfw?: boolean;
}

interface VideoTask {
  prompt: string;
  aspect_ratio: string;
  video_length: number;
  resolution_name: string;
  preset: string;
  image_urls: string[];
  reasoning_effort?: string;
}

const MAX_VIDEO_REFERENCES = 7;
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const AnyObject = PythonBody();

export function readAspectRatio(raw: unknown, fallback: string): string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return fallback;
  const ratio = typeof raw === 'string' ? aspectRatioOf(raw) : null;
  if (ratio === null)
    throw invalidRequest(
      `aspect_ratio must be one of ${[...ASPECT_RATIOS, ...Object.keys(IMAGE_SIZES)].join(', ')}`,
      'aspect_ratio',
      'invalid_aspect_ratio',
    );
  return ratio;
}

export function readPrompt(raw: unknown): string {
  const prompt = typeof raw === 'string' ? raw.trim() : '';
  if (prompt === '') throw invalidRequest('Prompt cannot be empty', 'prompt', 'empty_prompt');
  return prompt;
}

function readOptionalBoolean(raw: unknown, param: string): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && ['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off'].includes(raw.toLowerCase()))
    return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
  throw invalidRequest(`${param} must be a boolean`, param);
}

function readVideoTask(fields: Record<string, unknown>): VideoTask {
  const prompt = readPrompt(fields.prompt);
  const options = readVideoConfig({ ...fields, preset: fields.preset ?? 'normal' }, '');
  const urls = [...(Array.isArray(fields.image_urls) ? fields.image_urls : []), fields.image_url]
    .filter((url): url is string => typeof url === 'string' && url.trim() !== '')
    .map((url) => url.trim());
  const references = [...new Set(urls)];
  if (references.length > MAX_VIDEO_REFERENCES)
    throw invalidRequest(
      `image_urls supports at most ${MAX_VIDEO_REFERENCES} references`,
      'image_urls',
      'too_many_references',
    );
  for (const url of references) {
    if (!/^(https?:\/\/|data:)/i.test(url))
      throw invalidRequest(
        'image_url must be a URL or data URI (data:<mime>;base64,...)',
        'image_urls',
        'invalid_reference',
      );
  }
  const effort =
    typeof fields.reasoning_effort === 'string' && fields.reasoning_effort.trim() !== ''
      ? fields.reasoning_effort.trim()
      : undefined;
  if (effort !== undefined && !REASONING_EFFORTS.includes(effort))
    throw invalidRequest(
      `reasoning_effort must be one of ${REASONING_EFFORTS.join(', ')}`,
      'reasoning_effort',
      'invalid_reasoning_effort',
    );
  return {
    prompt,
    aspect_ratio: options.aspectRatio,
    video_length: options.seconds,
    resolution_name: options.resolution,
    preset: options.preset,
    image_urls: references,
    ...(effort ? { reasoning_effort: effort } : {}),
  };
}

const taskIds = (body: unknown): string[] => {
  const ids = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).task_ids : undefined;
  if (!Array.isArray(ids)) throw invalidRequest('task_ids must be a list of task ids', 'task_ids', 'missing_task_ids');
  return ids.filter((id): id is string => typeof id === 'string');
};

export const taskNotFound = () =>
  new ApiError({ status: 404, message: 'Task not found', param: 'task_id', code: 'task_not_found' });

export function functionTaskRoutes(deps: FunctionTaskRoutesDependencies) {
  const clock = deps.clock ?? Date.now;
  const sessions = new FunctionSessions(deps.records, clock);
  const call = (origin: Request) => (path: string, body: unknown) =>
    deps.handle(
      deps.trust(
        new Request(new URL(path, origin.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: origin.signal,
        }),
      ),
    );
  const objectBody = (body: unknown) =>
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const sseOf = (events: AsyncGenerator<Record<string, unknown>>, onEnd: () => Promise<unknown>) => {
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for await (const event of events) controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        } catch {
          // The client left while we wrote.
        } finally {
          await onEnd().catch(() => undefined);
          try {
            controller.close();
          } catch {
            // already closed
          }
        }
      },
      cancel: () => void events.return(undefined),
    });
    return new Response(stream, { headers: SSE_HEADERS });
  };

  const prefix = '/v1/function';
  const settings = new Elysia({ name: 'function-task-settings', prefix }).get(
    '/imagine/config',
    () => {
      // Public like the Python project's (the page reads it before sign-in), while the playground is on.
      if (!deps.config().app.function_enabled)
        throw new ApiError({
          status: 401,
          message: 'Function access is disabled',
          type: 'authentication_error',
          code: 'function_disabled',
        });
      const image = deps.config().image;
      return { final_min_bytes: image.final_min_bytes, medium_min_bytes: image.medium_min_bytes, nsfw: image.nsfw };
    },
    { detail: pythonRouteDetail('function', 'Imagine page settings (public while the playground is on)') },
  );
  const tasks = new Elysia({ name: 'function-tasks', prefix })
    .post(
      '/imagine/start',
      async ({ body, request }) => {
        const fields = objectBody(body);
        const task: ImagineTask = {
          prompt: readPrompt(fields.prompt),
          aspect_ratio: readAspectRatio(fields.aspect_ratio, '2:3'),
        };
        const nsfw = readOptionalBoolean(fields.nsfw, 'nsfw');
        if (nsfw !== undefined) task.nsfw = nsfw;
        return { task_id: await sessions.create('imagine', task), aspect_ratio: task.aspect_ratio };
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail(
          'function',
          'Start an imagine task: {prompt, aspect_ratio, nsfw} → {task_id, aspect_ratio}',
        ),
      },
    )
    .post(
      '/imagine/stop',
      async ({ body, request }) => {
        return { status: 'success', removed: await sessions.drop('imagine', taskIds(body)) };
      },
      { body: t.Optional(AnyObject), detail: pythonRouteDetail('function', 'Stop imagine tasks: {task_ids}') },
    )
    .post(
      '/video/start',
      async ({ body, request }) => {
        const task = readVideoTask(objectBody(body));
        return { task_id: await sessions.create('video', task), aspect_ratio: task.aspect_ratio };
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail(
          'function',
          'Start a video task: the chat video_config fields plus image_urls → {task_id, aspect_ratio}',
        ),
      },
    )
    .post(
      '/video/stop',
      async ({ body, request }) => {
        return { status: 'success', removed: await sessions.drop('video', taskIds(body)) };
      },
      {
        body: t.Optional(AnyObject),
        detail: pythonRouteDetail('function', 'Drop video tasks that have not streamed yet: {task_ids}'),
      },
    );
  // Read by EventSource, which sends no header: a task id is its own capability (only its creator
  // knows it), and the function key may come as ?function_key=.
  const streams = new Elysia({ name: 'function-task-streams', prefix })
    .get(
      '/imagine/sse',
      async ({ query, request }) => {
        let task: (ImagineTask & { created_at: number }) | null;
        const taskId = query.task_id ?? '';
        if (taskId !== '') {
          task = await sessions.get<ImagineTask>('imagine', taskId);
          if (!task) throw taskNotFound();
        } else {
          task = {
            prompt: readPrompt(query.prompt),
            aspect_ratio: readAspectRatio(query.aspect_ratio, '2:3'),
            nsfw: readOptionalBoolean(query.nsfw, 'nsfw'),
            created_at: clock(),
          };
        }
        const events = imagineEvents({
          prompt: task.prompt,
          aspectRatio: task.aspect_ratio,
          nsfw: task.nsfw,
          call: call(request),
          alive: async () => taskId === '' || (await sessions.get('imagine', taskId)) !== null,
          signal: request.signal,
          deadline: task.created_at + SESSION_TTL_MS,
          clock,
        });
        return sseOf(events, () => (taskId === '' ? Promise.resolve() : sessions.drop('imagine', [taskId])));
      },
      {
        query: t.Object({
          task_id: t.Optional(t.String()),
          prompt: t.Optional(t.String()),
          aspect_ratio: t.Optional(t.String()),
          nsfw: t.Optional(t.String()),
          function_key: t.Optional(t.String()),
        }),
        detail: pythonRouteDetail(
          'function',
          'Imagine images as server-sent events until stopped (?task_id=, or ?prompt= with the function key)',
          'events',
        ),
      },
    )
    .get(
      '/video/sse',
      async ({ query, request }) => {
        const taskId = query.task_id ?? '';
        const task = await sessions.get<VideoTask>('video', taskId);
        if (!task) throw taskNotFound();
        // Used once: a second stream of the same task is a 404, as in the Python project.
        await sessions.drop('video', [taskId]);
        const content =
          task.image_urls.length === 0
            ? task.prompt
            : [
                { type: 'text', text: task.prompt },
                ...task.image_urls.map((url) => ({ type: 'image_url', image_url: { url } })),
              ];
        return call(request)('/v1/chat/completions', {
          model: 'grok-imagine-1.0-video',
          messages: [{ role: 'user', content }],
          stream: true,
          ...(task.reasoning_effort ? { reasoning_effort: task.reasoning_effort } : {}),
          video_config: {
            aspect_ratio: task.aspect_ratio,
            video_length: task.video_length,
            resolution_name: task.resolution_name,
            preset: task.preset,
          },
        });
      },
      {
        query: t.Object({ task_id: t.Optional(t.String()) }),
        detail: pythonRouteDetail(
          'function',
          'A video task as the chat completion stream (progress as reasoning, then the video)',
          'events',
        ),
      },
    );
  const hasTaskId = (request: Request) => (new URL(request.url).searchParams.get('task_id') ?? '') !== '';
  return routeGroups('function-task-routes', [
    routeGroup({ access: 'public' }, settings),
    routeGroup({ access: 'playground' }, tasks),
    routeGroup({ access: 'playground', queryKey: 'function_key', capability: hasTaskId }, streams),
  ]);
}
