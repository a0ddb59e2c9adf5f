import { t } from 'elysia';
import { AnyObject, eventStream, json, responses } from '../../http/openapi-responses';

/**
 * What the Python project's routes have in common here — the admin task and cache routes and the
 * playground's task routes: they take loose JSON objects (the fields are read and checked by hand,
 * with the reference's messages) and answer JSON objects, or an event stream for a running task.
 */

/** A JSON object body whose fields the route reads itself. */
export const PythonBody = (description?: string) =>
  t.Record(t.String(), t.Unknown(), description === undefined ? {} : { description });

/** `detail` of one such route for /docs. */
export const pythonRouteDetail = (tag: 'admin' | 'function', summary: string, answer: 'json' | 'events' = 'json') => ({
  tags: [tag],
  summary,
  responses: responses(answer === 'events' ? eventStream('Task events') : json(AnyObject), {
    errors: [400, 401, 404, 429],
  }),
});
