import type { Config } from '../../../config/schema';
import type { UpstreamError } from '../../errors';
import type { FetchFunction } from '../../http';
import { withRetry, type RetryEnvironment } from '../../retry';
import { upstreamUrl } from '../headers';
import { callJson } from '../rest-call';
import type { StatsigProvider } from '../statsig';
import { callGrpcWeb, grpcHeaders, grpcStatusFailure } from './grpc-call';
import { withHeader } from '../header-list';
import type { GrpcWebAnswer } from './grpc-web';
import { featureControlMessage, NSFW_FEATURE, tosAcceptedMessage } from './protobuf';

/**
 * "Enable NSFW" for one account (docs/upstream-protocol.md §14.8–14.9): accept the
 * terms of service on the account service and on grok.com, then turn on the
 * `always_show_nsfw_content` preference. Unlike the reference it never sets a birth date
 * (§14.10): when the upstream refuses the preference for age reasons, the outcome says so and
 * the operator verifies the account's age on grok.com.
 */

export const TOS_GRPC_PATH = '/auth_mgmt.AuthManagement/SetTosAcceptedVersion';
export const TOS_REST_PATH = '/rest/auth/set-tos-accepted';
export const FEATURE_CONTROLS_PATH = '/auth_mgmt.AuthManagement/UpdateUserFeatureControls';
/** The current terms version known to the reference (§14.8 step 2). */
const TOS_VERSION = 5;

export type EnableNsfwOutcome = { kind: 'enabled' } | { kind: 'age_verification_required'; message: string };

export interface EnableNsfwInput {
  config: Config;
  token: string;
  statsig: StatsigProvider;
  proxyUrl: string;
  fetch?: FetchFunction;
  retryEnvironment?: RetryEnvironment;
  signal?: AbortSignal;
}

// The upstream's wording for an age refusal is not documented (§18); these are the words such a
// refusal is expected to contain.
const AGE_REFUSAL =
  /age[\s_-]*verif|verify[\s_-]*(?:your[\s_-]*)?age|birth[\s_-]*date|under[\s_-]*age|minimum[\s_-]*age/i;

export function isAgeRefusal(answer: GrpcWebAnswer): boolean {
  return answer.status !== null && answer.status !== 0 && AGE_REFUSAL.test(answer.message);
}

export async function enableNsfw(input: EnableNsfwInput): Promise<EnableNsfwOutcome> {
  const { config } = input;
  const accountsOrigin = new URL(config.upstream.accounts_url).origin;
  const timeoutSeconds = config.nsfw.timeout;

  // Step 1: the account service. G sends no Cloudflare cookies to this host.
  const tos = await retried(input, () =>
    callGrpcWeb({
      config,
      url: upstreamUrl(config.upstream.accounts_url, TOS_GRPC_PATH),
      token: input.token,
      headers: grpcHeaders({
        config,
        token: input.token,
        origin: accountsOrigin,
        referer: `${accountsOrigin}/accept-tos`,
        cookie: `sso=${input.token}; sso-rw=${input.token}`,
        extra: [['x-user-agent', 'connect-es/2.1.1']],
      }),
      message: tosAcceptedMessage(),
      timeoutSeconds,
      proxyUrl: input.proxyUrl,
      purpose: 'accept-tos',
      fetch: input.fetch,
      signal: input.signal,
    }),
  );
  if (isAgeRefusal(tos)) return { kind: 'age_verification_required', message: tos.message };
  throwIfFailed(tos, 'accept-tos', input.token);

  // Step 2: the product-side acknowledgement.
  await callJson({
    config,
    token: input.token,
    method: 'POST',
    path: TOS_REST_PATH,
    body: { tosVersion: TOS_VERSION },
    timeoutSeconds,
    maxBytes: 64 * 1024,
    purpose: 'set-tos-accepted',
    headerKind: 'terms',
    statsig: input.statsig,
    proxyUrl: input.proxyUrl,
    fetch: input.fetch,
    retryEnvironment: input.retryEnvironment,
    signal: input.signal,
  });

  // Step 3: the content preference.
  const feature = await retried(input, async () => {
    const statsigId = await input.statsig.value({
      method: 'POST',
      path: FEATURE_CONTROLS_PATH,
      token: input.token,
      signal: input.signal,
    });
    return callGrpcWeb({
      config,
      url: upstreamUrl(config.upstream.base_url, FEATURE_CONTROLS_PATH),
      token: input.token,
      headers: withHeader(
        withHeader(grpcHeaders({ config, token: input.token, statsigId }), 'Cache-Control', 'no-cache'),
        'Pragma',
        'no-cache',
      ),
      message: featureControlMessage(NSFW_FEATURE, true),
      timeoutSeconds,
      proxyUrl: input.proxyUrl,
      purpose: 'update-feature-controls',
      fetch: input.fetch,
      signal: input.signal,
    });
  });
  if (isAgeRefusal(feature)) return { kind: 'age_verification_required', message: feature.message };
  throwIfFailed(feature, 'update-feature-controls', input.token);
  return { kind: 'enabled' };
}

function throwIfFailed(answer: GrpcWebAnswer, purpose: string, token: string): void {
  const failure = grpcStatusFailure(answer, purpose, token);
  if (failure) throw failure;
}

/** Transport and HTTP failures are retried as `retry.*` says; a grpc-status answer is final. */
function retried(input: EnableNsfwInput, operation: () => Promise<GrpcWebAnswer>): Promise<GrpcWebAnswer> {
  return withRetry(operation, {
    settings: input.config.retry,
    environment: input.retryEnvironment,
    signal: input.signal,
    beforeRetry: (error: UpstreamError) => {
      if (error.code === 'anti_bot' || error.code === 'cloudflare_challenge')
        input.statsig.invalidate('POST', FEATURE_CONTROLS_PATH);
    },
  });
}
