import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of code runs for, carried across awaits so every line logged while serving
 * it gets the request id without each module passing a child logger around.
 */
export interface RequestContext {
  requestId: string;
  /** Client features we accepted but could not serve; answered as `x-grok2api-ignored` and logged. */
  ignored?: string[];
  /** The error this request was answered with, so the request log can say why it failed. */
  error?: { code: string | null; param: string | null };
  /** A usage record was written for this request (src/usage), so a refusal is not recorded twice. */
  usageRecorded?: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The response header that lists what a request asked for and we dropped or emulated. */
export const IGNORED_HEADER = 'x-grok2api-ignored';

/**
 * Records a client feature that was dropped or emulated rather than refused (e.g.
 * `tools[4] namespace multi_agent_v1 flattened`): the client sees it in a header, the operator in the log.
 */
export function noteIgnored(note: string): void {
  const store = requestContext.getStore();
  if (!store) return;
  store.ignored ??= [];
  if (!store.ignored.includes(note)) store.ignored.push(note);
}

/** The notes of the current request, joined for the header; undefined when there are none. */
export function ignoredHeaderValue(context: RequestContext | undefined): string | undefined {
  if (!context?.ignored?.length) return undefined;
  // Header values must stay one line of visible ASCII.
  return context.ignored
    .join('; ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 2000);
}

/** Remembers the error a request ended with (code and param) for its request-log line. */
export function noteError(code: string | null, param: string | null): void {
  const store = requestContext.getStore();
  if (store) store.error = { code, param };
}
