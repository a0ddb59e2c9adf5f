// A faithful local stand-in for the Grok web upstream (grok.com, assets.grok.com and
// accounts.x.ai on one port), following docs/upstream-protocol.md §17. The
// gateway's tests, benchmarks and demo mode drive it through `startSimulator` or, from
// another process, through the /__simulator/ HTTP control API.

import { internalError } from './canned-responses';
import { IMAGINE_PATH, upgradeImagine } from './imagine-socket';
import { readIncomingRequest } from './incoming-request';
import { simulatorSocketHandlers, type SimulatorSocketData } from './socket-handlers';
import { routeRequest } from './router';
import { applyOptionsPatch, type EffectiveOptions } from './simulator-options';
import { createSimulatorState, resetSimulatorState } from './simulator-state';
import type { Fault, Script, Simulator, SimulatorAccount, SimulatorOptions } from './types';

export type {
  AccountView,
  Fault,
  FaultKind,
  Framing,
  Mode,
  QuotaWindow,
  RecordedRequest,
  Script,
  Simulator,
  SimulatorAccount,
  SimulatorOptions,
  Tier,
  VideoProtocols,
} from './types';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = createSimulatorState(options.now ?? Date.now);
  state.options = patchedOptions(state.options, options);
  for (const account of options.accounts ?? []) state.accounts.add(account);

  const simulator: Simulator = {
    url: '',
    port: 0,
    requests: state.requests,
    addAccount(account: SimulatorAccount) {
      state.accounts.add(account);
    },
    account(token: string) {
      return state.accounts.view(token);
    },
    enqueueFault(fault: Fault) {
      state.faults.push({ ...fault });
    },
    script(script: Script) {
      state.scripts.push({ ...script });
    },
    setOptions(patch: Partial<SimulatorOptions>) {
      state.options = patchedOptions(state.options, patch);
    },
    reset() {
      resetSimulatorState(state);
    },
    async stop() {
      state.shutdown.abort();
      state.streams.cancelAll();
      await server.stop(true);
    },
  };

  const server = Bun.serve<SimulatorSocketData>({
    port: options.port ?? 0,
    hostname: options.hostname ?? '127.0.0.1',
    // A stalled stream must stay open until the client gives up, so idle connections never time out.
    idleTimeout: 0,
    fetch: async (request, bunServer) => {
      if (new URL(request.url).pathname !== IMAGINE_PATH)
        return routeRequest(state, simulator, request, bunServer as never);
      const incoming = await readIncomingRequest(request, Date.now());
      state.requests.push(incoming.recorded);
      return upgradeImagine(state, incoming, bunServer as never);
    },
    websocket: simulatorSocketHandlers(state),
    error: () => internalError(),
  });
  const port = server.port ?? 0;
  simulator.port = port;
  simulator.url = `http://${urlHost(options.hostname ?? '127.0.0.1')}:${port}`;
  return simulator;
}

/** Validates on a copy so a rejected patch leaves the running options untouched. */
function patchedOptions(current: EffectiveOptions, patch: Partial<SimulatorOptions>): EffectiveOptions {
  const next = { ...current };
  const problems = applyOptionsPatch(next, patch);
  if (problems.length > 0) throw new TypeError(`Invalid simulator options: ${problems.join('; ')}`);
  return next;
}

function urlHost(hostname: string): string {
  return hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
}
