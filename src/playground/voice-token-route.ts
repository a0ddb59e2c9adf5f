import { Elysia, t } from 'elysia';
import { findModel } from '../catalog/models';
import type { Config } from '../config/schema';
import { ApiError, invalidRequest } from '../http/errors';
import { apiErrorFromUpstream } from '../http/upstream-failure';
import type { AccountPool } from '../pool/account-pool';
import { UpstreamError } from '../upstream/errors';
import type { GrokClient } from '../upstream/grok/client';
import { requestLivekitToken } from '../upstream/grok/voice/livekit-token';
import { Type } from '@sinclair/typebox';
import { json, responses, shape } from '../http/openapi-responses';
import { routeGroup } from '../http/route-groups';

/**
 * The playground's voice token broker (docs/upstream-protocol.md §15,
 * docs/python-compatibility.md §5 `/voice`): one pool account asks grok.com for a
 * LiveKit token; the browser then talks to LiveKit directly. Another account is tried when the
 * upstream refuses the first, as for a chat turn. The playground's access policy guards it (app.ts).
 */

export interface VoiceTokenDependencies {
  config: () => Config;
  pool: AccountPool;
  grok: GrokClient;
}

export const VOICES = ['ara', 'eve', 'leo', 'rex', 'sal', 'gork'] as const;
const PERSONALITY = /^[a-z0-9_-]{1,40}$/;
// Voice draws on no chat quota; the lease only picks a usable account of the basic pool first.
const LEASE_MODEL = findModel('grok-4.1-fast')!;

export function voiceTokenRoute(deps: VoiceTokenDependencies) {
  return routeGroup(
    { access: 'playground' },
    new Elysia({ name: 'voice-token', prefix: '/v1/function' }).get(
      '/voice/token',
      async ({ request, query }) => {
        const livekitUrl = deps.config().voice.livekit_url;
        if (livekitUrl === '') {
          throw new ApiError({
            status: 404,
            message: 'Voice is off here (voice.livekit_url is empty)',
            type: 'invalid_request_error',
            code: 'voice_disabled',
          });
        }
        const voice = query.voice ?? 'ara';
        if (!(VOICES as readonly string[]).includes(voice))
          throw invalidRequest(`voice must be one of ${VOICES.join(', ')}`, 'voice');
        const personality = query.personality ?? 'assistant';
        if (!PERSONALITY.test(personality))
          throw invalidRequest('personality must be 1–40 lowercase letters, digits, - or _', 'personality');
        const speed = query.speed === undefined ? 1 : Number(query.speed);
        if (!Number.isFinite(speed) || speed < 0.5 || speed > 2)
          throw invalidRequest('speed must be a number from 0.5 to 2', 'speed');

        const tried = new Set<string>();
        let lastError: UpstreamError | undefined;
        for (let attempt = 0; attempt < Math.max(1, deps.config().retry.max_retry); attempt++) {
          const lease = await deps.pool.acquireShared({ model: LEASE_MODEL, exclude: tried });
          if (!lease) break;
          tried.add(lease.token);
          try {
            const token = await requestLivekitToken({
              config: deps.config(),
              token: lease.token,
              statsig: deps.grok.statsig,
              proxyUrl: deps.grok.egressFor(lease.token),
              fetch: deps.grok.upstreamFetch,
              options: { voice, personality, playbackSpeed: speed },
              signal: request.signal,
            });
            lease.release();
            // The browser dials the configured LiveKit server; the upstream request names Grok's own.
            return { token, url: livekitUrl, participant_name: '', room_name: '' };
          } catch (error) {
            if (!(error instanceof UpstreamError)) {
              lease.release();
              throw error;
            }
            await deps.pool.reportFailure(lease, error);
            lastError = error;
            if (error.accountEffect === 'none' && !error.retryable) break;
          }
        }
        if (lastError) throw apiErrorFromUpstream(lastError);
        throw new ApiError({
          status: 503,
          message: 'No account is available for a voice token',
          type: 'server_error',
          code: 'no_token',
        });
      },
      {
        query: t.Object({
          voice: t.Optional(t.String()),
          personality: t.Optional(t.String()),
          speed: t.Optional(t.String()),
        }),
        detail: {
          tags: ['function'],
          summary: 'Playground: a LiveKit voice token (the browser connects to LiveKit with it)',
          description: `voice: ${VOICES.join(', ')} (default ara); personality (default assistant); speed 0.5–2 (default 1).`,
          responses: responses(json(shape({ token: Type.String(), url: Type.String() })), {
            errors: [400, 401, 429, 502, 503],
          }),
        },
      },
    ),
  );
}
