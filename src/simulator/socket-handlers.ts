import type { ServerWebSocket, WebSocketHandler } from 'bun';
import { gatewayWebSocketHandlers, type GatewaySocketData } from './gateway-session';
import { imagineSocketHandlers, type ImagineSocketData } from './imagine-socket';
import type { SimulatorState } from './simulator-state';

/** One Bun server carries both upstream WebSockets: the Imagine stream and the chat gateway. */
export type SimulatorSocketData = ImagineSocketData | GatewaySocketData;

const isImagine = (data: SimulatorSocketData): data is ImagineSocketData => 'account' in data;

export function simulatorSocketHandlers(state: SimulatorState): WebSocketHandler<SimulatorSocketData> {
  const gateway = gatewayWebSocketHandlers(state);
  const asGateway = (socket: ServerWebSocket<SimulatorSocketData>) => socket as ServerWebSocket<GatewaySocketData>;
  return {
    open(socket) {
      if (!isImagine(socket.data)) gateway.open?.(asGateway(socket));
    },
    message(socket, message) {
      if (isImagine(socket.data)) imagineSocketHandlers.message(socket as ServerWebSocket<ImagineSocketData>, message);
      else void gateway.message?.(asGateway(socket), message);
    },
    close(socket, code, reason) {
      if (!isImagine(socket.data)) gateway.close?.(asGateway(socket), code, reason);
    },
  };
}
