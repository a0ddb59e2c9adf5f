// `npm run simulator`: a standalone simulator for the demo and for benchmarks in another
// process, driven through the /__simulator/ HTTP control API.
//
//   SIMULATOR_HOST             default 127.0.0.1
//   SIMULATOR_PORT             default 9090 (0 picks a free port)
//   SIMULATOR_ACCEPT_ANY_TOKEN default true, so a newcomer can use any sso token
//   SIMULATOR_VIDEO_PROTOCOLS  current (default, as the current release), legacy or both

import { startSimulator, type VideoProtocols } from './server';

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 9090;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SIMULATOR_PORT must be an integer between 0 and 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

function readFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

const simulator = await startSimulator({
  hostname: process.env.SIMULATOR_HOST || '127.0.0.1',
  port: readPort(process.env.SIMULATOR_PORT),
  acceptUnknownTokens: readFlag(process.env.SIMULATOR_ACCEPT_ANY_TOKEN, true),
  // An unknown value stops the start with a message that lists the allowed ones.
  videoProtocols: (process.env.SIMULATOR_VIDEO_PROTOCOLS || undefined) as VideoProtocols | undefined,
});
console.log(`Grok simulator listening on ${simulator.url}`);

let stopping = false;
const shutDown = async () => {
  if (stopping) return;
  stopping = true;
  await simulator.stop();
  process.exit(0);
};
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
