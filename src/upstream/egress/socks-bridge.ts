import { createServer, type Server, type Socket } from 'node:net';

/**
 * Bun's fetch and WebSocket speak only HTTP(S) proxies, so a SOCKS proxy is reached through this
 * loopback bridge: it accepts HTTP proxy requests (CONNECT tunnels, and absolute-form requests
 * for plain-HTTP targets) and opens each connection through the SOCKS proxy. Host names go to
 * the SOCKS server unresolved (socks5h / socks4a semantics, as the reference rewrites them), so
 * DNS happens at the egress like the TLS and the Cloudflare clearance.
 */

const MAX_HEAD_BYTES = 16 * 1024;
const CONNECT_TIMEOUT_MS = 20_000;

export interface SocksTarget {
  type: 4 | 5;
  host: string;
  port: number;
  userId?: string;
  password?: string;
}

export function parseSocksUrl(raw: string): SocksTarget | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const type =
    scheme === 'socks5' || scheme === 'socks5h' || scheme === 'socks'
      ? 5
      : scheme === 'socks4' || scheme === 'socks4a'
        ? 4
        : undefined;
  if (!type || !url.hostname) return undefined;
  return {
    type,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 1080),
    userId: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

export class SocksBridge {
  private constructor(
    private readonly server: Server,
    readonly proxyUrl: string,
  ) {}

  static async start(target: SocksTarget): Promise<SocksBridge> {
    const server = createServer((client) => void handle(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SocksBridge(server, `http://127.0.0.1:${port}`);
  }

  close(): void {
    this.server.close();
  }
}

async function handle(client: Socket, target: SocksTarget): Promise<void> {
  client.on('error', () => client.destroy());
  let head: Buffer;
  try {
    head = await readHead(client);
  } catch {
    client.destroy();
    return;
  }
  const headText = head.toString('latin1');
  const requestLine = headText.slice(0, headText.indexOf('\r\n'));
  const destination = destinationOf(requestLine);
  if (!destination) {
    client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  let upstream: Socket;
  try {
    // Loaded on the first SOCKS connection: most deployments never use one, and the client with its
    // address parsing is 17 CommonJS modules an idle gateway would otherwise hold.
    const { SocksClient } = await import('socks');
    const connection = await SocksClient.createConnection({
      proxy: {
        host: target.host,
        port: target.port,
        type: target.type,
        userId: target.userId,
        password: target.password,
      },
      command: 'connect',
      destination: { host: destination.host, port: destination.port },
      timeout: CONNECT_TIMEOUT_MS,
    });
    upstream = connection.socket;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ').slice(0, 200);
    client.end(
      `HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
    return;
  }
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  if (destination.tunnel) {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const rest = head.subarray(head.indexOf('\r\n\r\n') + 4);
    if (rest.length > 0) upstream.write(rest);
  } else {
    // HTTP/1.1 servers accept the absolute-form request line, so the head goes on unchanged.
    upstream.write(head);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Reads until the end of the request head; what follows stays in the returned buffer. */
function readHead(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.indexOf('\r\n\r\n') >= 0) {
        socket.off('data', onData);
        socket.pause();
        resolve(buffered);
      } else if (buffered.length > MAX_HEAD_BYTES) {
        socket.off('data', onData);
        reject(new Error('request head too large'));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('closed')));
  });
}

function destinationOf(requestLine: string): { host: string; port: number; tunnel: boolean } | undefined {
  const [method, target] = requestLine.split(' ');
  if (!method || !target) return undefined;
  if (method.toUpperCase() === 'CONNECT') {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    return match ? { host: match[1]!, port: Number(match[2]), tunnel: true } : undefined;
  }
  try {
    const url = new URL(target);
    if (url.protocol !== 'http:' && url.protocol !== 'ws:') return undefined;
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80), tunnel: false };
  } catch {
    return undefined;
  }
}
