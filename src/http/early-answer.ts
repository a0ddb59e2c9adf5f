/**
 * Requests refused in an onRequest hook (by the route groups' gate, or over a body limit) skip routing
 * and mapResponse, where the status and route are usually seen; the refusing hook notes them here
 * before it throws, and the request log and the metrics read them.
 */

export interface EarlyAnswer {
  status: number;
  /** The route template (e.g. /v1/admin/console/accounts/:id); absent when not known. */
  route?: string;
}

const answers = new WeakMap<Request, EarlyAnswer>();

export function noteEarlyAnswer(request: Request, status: number, route?: string): void {
  answers.set(request, { status, route });
}

export function earlyAnswerOf(request: Request): EarlyAnswer | undefined {
  return answers.get(request);
}
