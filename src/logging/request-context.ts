import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of code runs for, carried across awaits so every line logged while serving
 * it gets the request id without each module passing a child logger around.
 */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
