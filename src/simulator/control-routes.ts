import { jsonResponse, methodNotAllowed, notFound } from './canned-responses';
import { checkAccount, checkFault, checkScript } from './control-validation';
import { safeDecode } from './safe-decode';
import { applyOptionsPatch } from './simulator-options';
import type { SimulatorState } from './simulator-state';
import type { Simulator, SimulatorOptions } from './types';

export const CONTROL_PREFIX = '/__simulator/';

type Controls = Pick<Simulator, 'addAccount' | 'account' | 'enqueueFault' | 'script' | 'reset' | 'requests'>;
type ControlHandler = (
  state: SimulatorState,
  controls: Controls,
  request: Request,
  rest: string,
) => Response | Promise<Response>;

// The programmatic controls over HTTP, for a simulator in another process (the CLI, the
// benchmarks). JSON has no Infinity, so `times: -1` means forever.
const CONTROL_ROUTES: Record<string, Partial<Record<string, ControlHandler>>> = {
  health: { GET: (state) => jsonResponse(200, health(state)) },
  requests: { GET: (_, controls) => jsonResponse(200, controls.requests) },
  reset: {
    POST: (_, controls) => {
      controls.reset();
      return jsonResponse(200, { status: 'reset' });
    },
  },
  options: {
    GET: (state) => jsonResponse(200, state.options),
    PATCH: async (state, _, request) => {
      const body = await readJson(request);
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return badControl('body must be a JSON object');
      // Validate on a copy so a partly bad patch changes nothing.
      const candidate = { ...state.options };
      const problems = applyOptionsPatch(candidate, body as Partial<SimulatorOptions>);
      if (problems.length > 0) return badControl(problems.join('; '));
      state.options = candidate;
      return jsonResponse(200, state.options);
    },
  },
  accounts: {
    POST: async (_, controls, request) => {
      const checked = checkAccount(await readJson(request));
      if (!checked.ok) return badControl(checked.problem);
      controls.addAccount(checked.value);
      return jsonResponse(201, controls.account(checked.value.token));
    },
  },
  'accounts/*': {
    GET: (_, controls, __, token) => {
      const view = controls.account(token);
      return view ? jsonResponse(200, view) : notFound('no such account');
    },
  },
  faults: {
    POST: async (state, controls, request) => {
      const checked = checkFault(await readJson(request));
      if (!checked.ok) return badControl(checked.problem);
      controls.enqueueFault(checked.value);
      return jsonResponse(201, { queued: true, pendingFaults: state.faults.size });
    },
  },
  scripts: {
    POST: async (state, controls, request) => {
      const checked = checkScript(await readJson(request));
      if (!checked.ok) return badControl(checked.problem);
      controls.script(checked.value);
      return jsonResponse(201, { queued: true, pendingScripts: state.scripts.size });
    },
  },
};

export async function handleControl(
  state: SimulatorState,
  controls: Controls,
  request: Request,
  path: string,
): Promise<Response> {
  const [name, ...restParts] = path.slice(CONTROL_PREFIX.length).split('/');
  // `accounts/<url-encoded token>` is the one route with a parameter.
  const rest = safeDecode(restParts.join('/'));
  const methods = rest === undefined ? undefined : CONTROL_ROUTES[rest === '' ? name : `${name}/*`];
  if (!methods || rest === undefined) return notFound('unknown simulator control');
  const handler = methods[request.method];
  if (!handler) return methodNotAllowed(Object.keys(methods).join(', '));
  return handler(state, controls, request, rest);
}

function health(state: SimulatorState) {
  return {
    status: 'ok',
    activeStreams: state.streams.count,
    pendingFaults: state.faults.size,
    pendingScripts: state.scripts.size,
    recordedRequests: state.requests.length,
  };
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

function badControl(problem: string): Response {
  return jsonResponse(400, { error: problem });
}
