/**
 * Reads a server-sent events body into `{ event, data }` records (data lines joined by newlines),
 * for gateway features that consume one of our own streams. Comments and blank events are skipped.
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string | null; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string) => {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    return data.length > 0 ? { event, data: data.join('\n') } : null;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: RegExpExecArray | null;
    while ((end = /\r?\n\r?\n/.exec(buffer)) !== null) {
      const record = parse(buffer.slice(0, end.index));
      buffer = buffer.slice(end.index + end[0].length);
      if (record) yield record;
    }
  }
  const last = parse(buffer + decoder.decode());
  if (last) yield last;
}
