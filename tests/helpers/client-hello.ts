import net from 'node:net';

/**
 * A loopback "TLS server" that only reads the client's first flight: the ClientHello, parsed
 * into the parts a fingerprint (JA3/JA4, Cloudflare's bot score) looks at. It never answers, so
 * every client fails its handshake afterwards; the hello is what we came for.
 */

export interface ClientHello {
  version: number;
  cipherSuites: number[];
  /** Extension types in the order sent. */
  extensions: number[];
  /** Application protocols offered (ALPN, extension 16). */
  alpn: string[];
  /** Protocols of application settings (ALPS, 17513 old / 17613 new codepoint) and which codepoint. */
  alps: { codepoint: number; protocols: string[] } | null;
  supportedGroups: number[];
  /** Certificate compression algorithms (extension 27): 2 = brotli. */
  certificateCompression: number[];
  serverName: string | null;
  /** GREASE values (RFC 8701) among ciphers, extensions or groups. */
  grease: boolean;
}

export const EXTENSION = {
  serverName: 0,
  supportedGroups: 10,
  alpn: 16,
  compressCertificate: 27,
  sessionTicket: 35,
  keyShare: 51,
  alpsOld: 17513,
  alpsNew: 17613,
  encryptedClientHello: 0xfe0d,
} as const;

export const GROUP_X25519_MLKEM768 = 0x11ec;

export const isGrease = (value: number): boolean => (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);

export interface HelloServer {
  port: number;
  /** The next ClientHello to arrive. */
  next(): Promise<ClientHello>;
  stop(): Promise<void>;
}

export async function startHelloServer(): Promise<HelloServer> {
  const waiting: ((hello: ClientHello) => void)[] = [];
  const arrived: ClientHello[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const hello = readClientHello(buffer);
      if (!hello) return;
      socket.destroy();
      const waiter = waiting.shift();
      if (waiter) waiter(hello);
      else arrived.push(hello);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    next: () => {
      const ready = arrived.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The ClientHello once the whole handshake message is buffered (it may span records); else null. */
export function readClientHello(bytes: Buffer): ClientHello | null {
  // Reassemble handshake bytes from TLS records (type 22).
  let handshake = Buffer.alloc(0);
  let offset = 0;
  while (offset + 5 <= bytes.length && bytes[offset] === 22) {
    const length = bytes.readUInt16BE(offset + 3);
    if (offset + 5 + length > bytes.length) break;
    handshake = Buffer.concat([handshake, bytes.subarray(offset + 5, offset + 5 + length)]);
    offset += 5 + length;
  }
  if (handshake.length < 4 || handshake[0] !== 1) return null;
  const messageLength = handshake.readUIntBE(1, 3);
  if (handshake.length < 4 + messageLength) return null;
  return parseHello(handshake.subarray(4, 4 + messageLength));
}

function parseHello(body: Buffer): ClientHello {
  let at = 0;
  const version = body.readUInt16BE(at);
  at += 2 + 32; // version, random
  at += 1 + body[at]!; // session id
  const cipherBytes = body.readUInt16BE(at);
  const cipherSuites: number[] = [];
  for (let index = 0; index < cipherBytes; index += 2) cipherSuites.push(body.readUInt16BE(at + 2 + index));
  at += 2 + cipherBytes;
  at += 1 + body[at]!; // compression methods
  const hello: ClientHello = {
    version,
    cipherSuites,
    extensions: [],
    alpn: [],
    alps: null,
    supportedGroups: [],
    certificateCompression: [],
    serverName: null,
    grease: cipherSuites.some(isGrease),
  };
  if (at + 2 > body.length) return hello;
  const end = at + 2 + body.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = body.readUInt16BE(at);
    const length = body.readUInt16BE(at + 2);
    const data = body.subarray(at + 4, at + 4 + length);
    hello.extensions.push(type);
    if (isGrease(type)) hello.grease = true;
    readExtension(hello, type, data);
    at += 4 + length;
  }
  return hello;
}

function readExtension(hello: ClientHello, type: number, data: Buffer): void {
  if (type === EXTENSION.alpn) hello.alpn = protocolList(data.subarray(2));
  if (type === EXTENSION.alpsOld || type === EXTENSION.alpsNew)
    hello.alps = { codepoint: type, protocols: protocolList(data.subarray(2)) };
  if (type === EXTENSION.supportedGroups) {
    for (let index = 2; index + 1 < data.length; index += 2) hello.supportedGroups.push(data.readUInt16BE(index));
    if (hello.supportedGroups.some(isGrease)) hello.grease = true;
  }
  if (type === EXTENSION.compressCertificate) {
    for (let index = 1; index + 1 < data.length; index += 2)
      hello.certificateCompression.push(data.readUInt16BE(index));
  }
  if (type === EXTENSION.serverName && data.length > 5)
    hello.serverName = data.subarray(5, 5 + data.readUInt16BE(3)).toString('latin1');
}

/** A list of one-byte-length-prefixed names (ALPN, ALPS). */
function protocolList(data: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (at < data.length) {
    const length = data[at]!;
    names.push(data.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return names;
}
