import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';

/**
 * WebSocket routes next to the Elysia app, which is served through `app.handle` and so cannot
 * upgrade a connection itself. A route decides from the request whether to accept (its
 * `accept` answers a Response to refuse); Bun.serve then calls the route's handlers with the
 * state `accept` returned.
 */

export interface SocketSession {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface SocketRoute<State> {
  path: string;
  accept(request: Request): Promise<State | Response>;
  opened?(session: SocketSession, state: State): void;
  message(session: SocketSession, state: State, text: string): void;
  closed(state: State): void;
}

interface SocketData {
  route: SocketRoute<unknown>;
  state: unknown;
}

export class SocketRoutes {
  private readonly routes = new Map<string, SocketRoute<unknown>>();

  add<State>(route: SocketRoute<State>): void {
    this.routes.set(route.path, route as SocketRoute<unknown>);
  }

  /**
   * Null when the request is not for a socket route (serve it normally); undefined when the
   * connection was upgraded; a Response when the route refused it.
   */
  async upgrade(request: Request, server: Server<SocketData>): Promise<Response | undefined | null> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return null;
    const route = this.routes.get(new URL(request.url).pathname);
    if (!route) return null;
    const state = await route.accept(request);
    if (state instanceof Response) return state;
    if (server.upgrade(request, { data: { route, state } })) return undefined;
    return new Response('WebSocket upgrade failed', { status: 400 });
  }

  readonly websocket: WebSocketHandler<SocketData> = {
    open: (socket) => socket.data.route.opened?.(sessionOf(socket), socket.data.state),
    message: (socket, message) =>
      socket.data.route.message(
        sessionOf(socket),
        socket.data.state,
        typeof message === 'string' ? message : new TextDecoder().decode(message),
      ),
    close: (socket) => socket.data.route.closed(socket.data.state),
  };
}

function sessionOf(socket: ServerWebSocket<SocketData>): SocketSession {
  return {
    send: (text) => void socket.send(text),
    close: (code, reason) => socket.close(code, reason),
  };
}
