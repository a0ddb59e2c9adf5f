/**
 * The part of Bun's built-in `ws` module (the runtime's own implementation of the npm `ws` API,
 * no package installed) that handshake-websocket.ts uses.
 */
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';

  export interface ClientOptions {
    headers?: Record<string, string>;
    /** Bun: an HTTP(S) proxy URL, tunnelled with CONNECT. */
    proxy?: string;
    perMessageDeflate?: boolean;
  }

  export default class WebSocket extends EventEmitter {
    constructor(address: string, options?: ClientOptions);
    readonly readyState: 0 | 1 | 2 | 3;
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: 'open', listener: () => void): this;
    on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'unexpected-response', listener: (request: unknown, response: IncomingMessage) => void): this;
  }
}
