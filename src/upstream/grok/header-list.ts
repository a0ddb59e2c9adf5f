/**
 * Upstream request headers as an ordered list of pairs. A browser's header order and casing are
 * part of its fingerprint, and `Headers`/plain objects lose one or the other, so the wire path
 * carries this list all the way to the transport (docs/upstream-protocol.md §4.3).
 */
export type HeaderList = [name: string, value: string][];

export function headerValue(list: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return list.find(([candidate]) => candidate.toLowerCase() === wanted)?.[1];
}

/** The list with `name` set: replaced in place when present, appended otherwise. */
export function withHeader(list: HeaderList, name: string, value: string): HeaderList {
  const wanted = name.toLowerCase();
  let replaced = false;
  const result = list.map(([candidate, current]): [string, string] => {
    if (candidate.toLowerCase() !== wanted) return [candidate, current];
    replaced = true;
    return [candidate, value];
  });
  if (!replaced) result.push([name, value]);
  return result;
}

export function withoutHeader(list: HeaderList, name: string): HeaderList {
  const wanted = name.toLowerCase();
  return list.filter(([candidate]) => candidate.toLowerCase() !== wanted);
}

/** For readers that want a lookup (logs, the diagnostics capture); names lower-cased. */
export function headerRecord(headers: HeaderList | Record<string, string>): Record<string, string> {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  return Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), value]));
}
