import type { Config } from '../config/schema';

/**
 * The three deadlines of an upstream call, per service, from config
 * (docs/upstream-protocol.md §5.7):
 * - connect: until the connection is usable. Bun's fetch does not report when the TCP/TLS
 *   connection is up, so for REST calls the first-byte deadline covers connecting too; the
 *   WebSocket transports (gateway, imagine, voice) observe their handshake and use it.
 * - first byte: until the response head (REST) or the first server event (WebSocket).
 * - idle: the longest silence between two reads of a stream; 0 disables.
 */

export type UpstreamService = 'chat' | 'image' | 'video' | 'voice' | 'asset';

export interface ServiceTimeouts {
  connectSeconds: number;
  firstByteSeconds: number;
  idleSeconds: number;
}

export function serviceTimeouts(config: Config, service: UpstreamService): ServiceTimeouts {
  switch (service) {
    case 'chat':
      return {
        connectSeconds: config.chat.connect_timeout,
        firstByteSeconds: config.chat.timeout,
        idleSeconds: config.chat.stream_timeout,
      };
    case 'image':
      return {
        connectSeconds: config.image.connect_timeout,
        firstByteSeconds: config.image.timeout,
        idleSeconds: config.image.stream_timeout,
      };
    case 'video':
      return {
        connectSeconds: config.video.connect_timeout,
        firstByteSeconds: config.video.timeout,
        idleSeconds: config.video.stream_timeout,
      };
    case 'voice':
      return {
        connectSeconds: config.voice.connect_timeout,
        firstByteSeconds: config.voice.timeout,
        idleSeconds: config.voice.timeout,
      };
    case 'asset':
      return {
        connectSeconds: config.asset.connect_timeout,
        firstByteSeconds: config.asset.download_timeout,
        idleSeconds: config.asset.download_timeout,
      };
  }
}
