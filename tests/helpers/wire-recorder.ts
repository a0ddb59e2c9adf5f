import net from 'node:net';

/**
 * A TCP relay in front of the simulator that records every HTTP/1.1 request head exactly as the
 * client wrote it: header names with their casing, in their order, duplicates kept. A parsed
 * request (Bun.serve's `Request`, the simulator's records) has already lost both, so the
 * wire-fidelity test reads them here. Bodies and WebSocket frames pass through untouched; after
 * an upgrade the relay stops reading heads on that connection.
 */

export interface RecordedHead {
  method: string;
  /** Path with query, as on the request line. */
  target: string;
  /** [name, value] in wire order and casing. */
  headers: [string, string][];
}

export interface WireRecorder {
  url: string;
  heads: RecordedHead[];
  /** Where connections go; set once the simulator runs. */
  setTarget(url: string): void;
  stop(): Promise<void>;
}

export async function startWireRecorder(): Promise<WireRecorder> {
  const heads: RecordedHead[] = [];
  let target: URL | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    const parser = new HeadParser((head) => heads.push(head));
    client.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heads,
    setTarget(url) {
      target = new URL(url);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Splits a client's byte stream into requests: head, then a Content-Length or chunked body. */
class HeadParser {
  private buffer = Buffer.alloc(0);
  private bodyLeft = 0;
  private chunked = false;
  private upgraded = false;

  constructor(private readonly onHead: (head: RecordedHead) => void) {}

  push(chunk: Buffer): void {
    if (this.upgraded) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.step());
  }

  /** One unit of progress; false when more bytes are needed. */
  private step(): boolean {
    if (this.bodyLeft > 0) {
      const taken = Math.min(this.bodyLeft, this.buffer.length);
      this.buffer = this.buffer.subarray(taken);
      this.bodyLeft -= taken;
      return this.bodyLeft === 0 && this.buffer.length > 0;
    }
    if (this.chunked) return this.skipChunk();
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1) return false;
    const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    this.buffer = this.buffer.subarray(end + 4);
    const [method = '', target = ''] = lines[0]!.split(' ');
    const headers = lines.slice(1).map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
    this.onHead({ method, target, headers });
    const value = (name: string) => headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
    if (value('upgrade')?.toLowerCase() === 'websocket') {
      this.upgraded = true;
      return false;
    }
    this.chunked = value('transfer-encoding')?.toLowerCase().includes('chunked') ?? false;
    this.bodyLeft = Number(value('content-length') ?? 0);
    return this.buffer.length > 0;
  }

  private skipChunk(): boolean {
    const lineEnd = this.buffer.indexOf('\r\n');
    if (lineEnd === -1) return false;
    const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
    if (size === 0) {
      // "0\r\n", optional trailers, then an empty line.
      const finish = this.buffer.indexOf('\r\n\r\n', lineEnd);
      if (finish === -1) return false;
      this.buffer = this.buffer.subarray(finish + 4);
      this.chunked = false;
      return this.buffer.length > 0;
    }
    if (this.buffer.length < lineEnd + 2 + size + 2) return false;
    this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
    return true;
  }
}
