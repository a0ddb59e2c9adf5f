import { Type } from '@sinclair/typebox';
import type { Config } from '../../../config/schema';
import type { FetchFunction } from '../../http';
import type { RetryEnvironment } from '../../retry';
import { pick } from '../frames';
import { badResponse, callJson } from '../rest-call';
import type { StatsigProvider } from '../statsig';

/**
 * The LiveKit token of Grok's voice mode (docs/upstream-protocol.md §15). The gateway
 * only brokers the token; audio flows between the user's browser and LiveKit.
 */

export const LIVEKIT_TOKENS_PATH = '/rest/livekit/tokens';
export const LIVEKIT_URL = 'wss://livekit.grok.com';

export interface VoiceOptions {
  voice: string;
  personality: string;
  playbackSpeed: number;
}

export function livekitTokenBody(options: VoiceOptions): Record<string, unknown> {
  return {
    // A JSON object serialised into a string, as the web client sends it.
    sessionPayload: JSON.stringify({
      voice: options.voice,
      personality: options.personality,
      playback_speed: options.playbackSpeed,
      enable_vision: false,
      turn_detection: { type: 'server_vad' },
    }),
    requestAgentDispatch: false,
    livekitUrl: LIVEKIT_URL,
    params: { enable_markdown_transcript: 'true' },
  };
}

export interface LivekitTokenInput {
  config: Config;
  token: string;
  statsig: StatsigProvider;
  proxyUrl: string;
  options: VoiceOptions;
  fetch?: FetchFunction;
  retryEnvironment?: RetryEnvironment;
  signal?: AbortSignal;
}

const TokenAnswer = Type.Object({ token: Type.String({ minLength: 1 }) });

export async function requestLivekitToken(input: LivekitTokenInput): Promise<string> {
  const answer = await callJson({
    config: input.config,
    token: input.token,
    method: 'POST',
    path: LIVEKIT_TOKENS_PATH,
    body: livekitTokenBody(input.options),
    timeoutSeconds: input.config.voice.timeout,
    maxBytes: 64 * 1024,
    purpose: 'livekit-token',
    statsig: input.statsig,
    proxyUrl: input.proxyUrl,
    fetch: input.fetch,
    retryEnvironment: input.retryEnvironment,
    signal: input.signal,
  });
  const parsed = pick(TokenAnswer, answer);
  if (!parsed) throw badResponse('livekit-token', 'the answer has no token');
  return parsed.token;
}
