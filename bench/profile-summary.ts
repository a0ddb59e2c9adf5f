/**
 * Sums a Chrome .cpuprofile (from `PROFILE_FORMAT=json bun bench/profile-gateway.ts`) by where the
 * time is spent on our side: each sample is charged to the innermost frame in `src/` on its stack
 * (so time in the runtime, a dependency or native code counts against the source function that
 * called it), and listed by file and by function, with the runtime's own top self-time entries.
 *
 *   ./node_modules/.bin/bun bench/profile-summary.ts <file.cpuprofile> [rows]
 *
 * PROFILE_INTERVAL_MICROS is the sampling interval the profile was taken with (100, as
 * profile-gateway.ts sets it).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: bun bench/profile-summary.ts <file.cpuprofile> [rows]');
const rows = Number(rowsArgument || 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const interval = Number(process.env.PROFILE_INTERVAL_MICROS || 100);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const ours = (node: ProfileNode) => node.callFrame.url.includes('/src/');
const shortUrl = (url: string) => url.slice(url.lastIndexOf('/src/') + 1);
const label = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

const byFile = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
const selfByName = new Map<string, number>();
const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
let total = 0;
let idle = 0;
for (let index = 0; index < profile.samples.length; index++) {
  // Each sample counts one interval: a sample's time delta also spans the idle gap before it
  // (the profiler takes no samples while the loop waits), which would charge that wait to
  // whatever ran first after it.
  const micros = interval;
  const leaf = byId.get(profile.samples[index]!)!;
  if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') {
    idle += micros;
    continue;
  }
  total += micros;
  add(selfByName, `${leaf.callFrame.functionName || '(anonymous)'} ${leaf.callFrame.url || '[native]'}`, micros);
  const onStack = new Set<string>();
  for (let frame: ProfileNode | undefined = leaf; frame; frame = byId.get(parentOf.get(frame.id) ?? -1))
    if (ours(frame)) onStack.add(label(frame));
  for (const key of onStack) add(inclusive, key, micros);
  let node: ProfileNode | undefined = leaf;
  while (node && !ours(node)) node = byId.get(parentOf.get(node.id) ?? -1);
  add(byFile, node ? shortUrl(node.callFrame.url) : '(outside src/: runtime, server, timers)', micros);
  add(byFunction, node ? label(node) : '(outside src/)', micros);
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(
      `  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
};
console.log(
  `${(total / 1000).toFixed(0)} ms sampled (${profile.samples.length} samples), ${(idle / 1000).toFixed(0)} ms idle`,
);
print('charged to the innermost src/ file', byFile);
print('charged to the innermost src/ function', byFunction);
print('self time (leaf frames)', selfByName);
print('inclusive (src/ functions on the stack)', inclusive);
