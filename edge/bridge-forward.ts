/**
 * The one forwarding helper behind the chat, imagine and video bridges: validate, then either
 * forward to the bridge's backend (a grok2api server) with the Worker's API key as Bearer, or —
 * without a backend — answer in probe / init-only mode and say so. Every answer carries
 * `x-grok2api-<name>-bridge: <mode>`; the backend's trace id and retry-after pass through.
 */
import { ApiError, type ApiErrorType } from '../src/http/errors';
import { backendUrl, bridgeMode, urlVariable, type BridgeName, type EdgeEnvironment } from './edge-config';
import { BridgeInputError, validateBridgeBody } from './bridge-validation';

export const TRACE_HEADER = 'x-grok2api-backend-trace-id';
export const bridgeHeader = (name: BridgeName) => `x-grok2api-${name}-bridge`;

/** Backend response headers the page may see; everything else (cookies, server internals) stays behind. */
const PASSED_HEADERS = ['content-type', 'retry-after', 'cache-control'];

export interface BridgeCall {
  name: BridgeName;
  /** The backend's path, e.g. /v1/chat/completions. */
  path: string;
  body: Record<string, unknown>;
  environment: EdgeEnvironment;
  signal?: AbortSignal;
  /** Injected for tests; the Worker's global fetch otherwise. */
  fetch?: typeof fetch;
}

export function bridgeError(
  name: BridgeName,
  mode: string,
  status: number,
  message: string,
  code: string,
  param: string | null = null,
  type: ApiErrorType = 'invalid_request_error',
): Response {
  return new ApiError({ status, message, code, param, type, headers: { [bridgeHeader(name)]: mode } }).toJsonResponse();
}

export async function runBridge(call: BridgeCall): Promise<Response> {
  const mode = bridgeMode(call.environment, call.name);
  try {
    validateBridgeBody(call.name, call.body);
  } catch (error) {
    if (error instanceof BridgeInputError)
      return bridgeError(call.name, mode, 400, error.message, 'invalid_value', error.param);
    throw error;
  }
  const base = backendUrl(call.environment, call.name);
  if (!base) {
    // Probe / init-only: the request was valid; nothing was generated and nothing is pretended.
    return Response.json(
      {
        object: 'bridge.probe',
        bridge: call.name,
        mode,
        accepted: true,
        generated: false,
        message: `No backend is configured for the ${call.name} bridge (${urlVariable(call.name)} is empty): the request was validated and accepted, nothing was generated.`,
      },
      { status: 202, headers: { [bridgeHeader(call.name)]: mode } },
    );
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  if (call.environment.BACKEND_API_KEY) headers.authorization = `Bearer ${call.environment.BACKEND_API_KEY}`;
  let backend: Response;
  try {
    backend = await (call.fetch ?? fetch)(`${base}${call.path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(call.body),
      signal: call.signal,
    });
  } catch (_error) {
    // The cause names the backend host; the page gets only that it is unreachable.
    return bridgeError(
      call.name,
      mode,
      502,
      `The ${call.name} bridge could not reach its backend.`,
      'backend_unreachable',
      null,
      'api_error',
    );
  }
  return relay(call.name, mode, backend);
}

/** The backend's answer with only the headers the page needs, plus the bridge and trace headers. */
export function relay(name: BridgeName, mode: string, backend: Response): Response {
  const headers = new Headers({ [bridgeHeader(name)]: mode });
  for (const header of PASSED_HEADERS) {
    const value = backend.headers.get(header);
    if (value !== null) headers.set(header, value);
  }
  // grok2api echoes its request id as x-request-id; a backend that already names a trace id wins.
  const trace = backend.headers.get(TRACE_HEADER) ?? backend.headers.get('x-request-id');
  if (trace) headers.set(TRACE_HEADER, trace);
  if (backend.status === 401 || backend.status === 403) {
    // The page's key is not the backend's key: a refused backend key is the operator's problem, not a sign-in prompt.
    const refused = bridgeError(
      name,
      mode,
      502,
      `The ${name} bridge's backend refused the Worker's API key (BACKEND_API_KEY).`,
      'backend_unauthorized',
      null,
      'api_error',
    );
    if (trace) refused.headers.set(TRACE_HEADER, trace);
    return refused;
  }
  return new Response(backend.body, { status: backend.status, headers });
}
