import { acceptingQueryKey, type AccessPolicy } from '../http/access-gate';

/**
 * Who may use the Python project's task routes (/v1/function/imagine/*, /v1/function/video/*):
 * the playground's own policy, with the reference's two ways around a missing header — a task
 * id is its own capability (an EventSource cannot send headers, and only its creator knows it),
 * and `?function_key=` stands in for the Bearer header on streams. The imagine settings are public
 * while the playground is on, like the pages.
 */
export function functionTaskAccess(playground: AccessPolicy): AccessPolicy {
  const withQueryKey = acceptingQueryKey(playground, 'function_key');
  return {
    check(request) {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/imagine/config')) return;
      if ((url.searchParams.get('task_id') ?? '') !== '') return;
      return withQueryKey.check(request);
    },
  };
}
