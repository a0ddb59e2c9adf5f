import type { SocketRoute, SocketSession } from '../http/socket-routes';
import { ApiError } from '../http/errors';
import type { AccessPolicy } from '../http/route-groups';
import type { FunctionSessions } from './function-sessions';
import { SESSION_TTL_MS } from './function-sessions';
import {
  readAspectRatio,
  readPrompt,
  type FunctionTaskRoutesDependencies,
  type ImagineTask,
} from './function-task-routes';
import { imagineEvents } from './imagine-loop';

/**
 * `WS /v1/function/imagine/ws` (docs/python-compatibility.md §5): the imagine waterfall over a
 * WebSocket. The connection is accepted for a live `?task_id=` (which it then uses up) or the
 * function key as `?function_key=` (or open access when the playground has no key). The client
 * sends `{"type":"start",prompt,aspect_ratio,nsfw}` and `{"type":"stop"}`; the server sends the
 * same events as `/imagine/sse`. A new start stops the run before it.
 */

interface ImagineSocketState {
  origin: Request;
  taskId: string | null;
  run: AbortController | null;
}

const errorEvent = (message: string, code: string) => JSON.stringify({ type: 'error', message, code });

export function imagineSocketRoute(
  deps: FunctionTaskRoutesDependencies,
  sessions: FunctionSessions,
  /** The playground's access policy taking `?function_key=` (the upgrade never reaches the route groups). */
  access: AccessPolicy,
): SocketRoute<ImagineSocketState> {
  const clock = deps.clock ?? Date.now;
  const refuse = (error: ApiError) => error.toJsonResponse();

  const start = (session: SocketSession, state: ImagineSocketState, task: ImagineTask) => {
    state.run?.abort();
    const run = new AbortController();
    state.run = run;
    const events = imagineEvents({
      prompt: task.prompt,
      aspectRatio: task.aspect_ratio,
      nsfw: task.nsfw,
      call: (path, body) =>
        deps.handle(
          deps.trust(
            new Request(new URL(path, state.origin.url), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
              signal: run.signal,
            }),
          ),
        ),
      alive: async () => !run.signal.aborted,
      signal: run.signal,
      deadline: clock() + SESSION_TTL_MS,
      clock,
    });
    void (async () => {
      try {
        for await (const event of events) session.send(JSON.stringify(event));
      } catch {
        // the socket closed while we wrote
      }
    })();
  };

  return {
    path: '/v1/function/imagine/ws',
    async accept(request) {
      const url = new URL(request.url);
      const _config = deps.config();
      const taskId = url.searchParams.get('task_id');
      if (taskId && (await sessions.get('imagine', taskId))) {
        await sessions.drop('imagine', [taskId]);
        return { origin: request, taskId, run: null };
      }
      try {
        // The upgrade never reaches the app, so the route groups' gate does not run here: check it ourselves.
        // A task id was looked up above; an unknown one is no capability, so the key is required.
        const withoutTask = new URL(request.url);
        withoutTask.searchParams.delete('task_id');
        await access.check(new Request(withoutTask, { headers: request.headers }));
      } catch (error) {
        if (error instanceof ApiError) return refuse(error);
        throw error;
      }
      return { origin: request, taskId: null, run: null };
    },
    message(session, state, text) {
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(text) as Record<string, unknown>;
        if (typeof payload !== 'object' || payload === null) throw new Error('not an object');
      } catch {
        session.send(errorEvent('Invalid message format.', 'invalid_payload'));
        return;
      }
      if (payload.type === 'stop') {
        state.run?.abort();
        state.run = null;
      } else if (payload.type === 'start') {
        try {
          const nsfw = typeof payload.nsfw === 'boolean' ? payload.nsfw : undefined;
          start(session, state, {
            prompt: readPrompt(payload.prompt),
            aspect_ratio: readAspectRatio(payload.aspect_ratio, '2:3'),
            ...(nsfw === undefined ? {} : { nsfw }),
          });
        } catch (error) {
          session.send(
            errorEvent(
              error instanceof Error ? error.message : String(error),
              error instanceof ApiError && error.code ? error.code : 'invalid_payload',
            ),
          );
        }
      } else session.send(errorEvent('Unknown action.', 'invalid_action'));
    },
    closed(state) {
      state.run?.abort();
    },
  };
}
