import type { CatalogModel } from '../catalog/models';
import type { Config } from '../config/schema';
import type { Logger } from '../logging/logger';
import {
  AttachmentError,
  loadAttachment,
  type AttachmentSource,
  type LoadedAttachment,
} from '../attachments/attachment-loader';
import type { AccountPool, Lease } from '../pool/account-pool';
import { buildChatPayload } from '../upstream/grok/chat-payload';
import type { GrokChatStream, GrokClient } from '../upstream/grok/client';
import { UpstreamError } from '../upstream/errors';
import { ApiError, invalidRequest } from '../http/errors';
import { apiErrorFromUpstream } from '../http/upstream-failure';

export interface UpstreamTurnRequest {
  model: CatalogModel;
  message: string;
  attachments: AttachmentSource[];
  temperature?: number;
  topP?: number;
  reasoningEffort?: string;
  signal: AbortSignal;
  /** The request field attachments came from, named in a 400 when one cannot be loaded. */
  attachmentParam?: string;
  /** Sticky affinity key (the request's `user`, or the X-Grok2api-Session header). */
  affinityKey?: string;
}

export interface UpstreamTurn {
  lease: Lease;
  stream: GrokChatStream;
}

export interface TurnDependencies {
  pool: AccountPool;
  grok: GrokClient;
  config: () => Config;
  logger: Logger;
  /** Fetch used for client-supplied attachment URLs (after the address policy). */
  fetch?: typeof fetch;
}

const MAX_ATTACHMENT_BYTES = 32 * 1024 * 1024;

async function loadAll(
  attachments: AttachmentSource[],
  config: Config,
  deps: TurnDependencies,
  signal: AbortSignal,
  param: string,
) {
  try {
    return await Promise.all(
      attachments.map((attachment) =>
        loadAttachment(attachment, {
          maxBytes: MAX_ATTACHMENT_BYTES,
          timeoutMs: config.asset.download_timeout * 1000,
          fetch: deps.fetch,
          signal,
          maxImagePixels: config.limits.max_image_pixels,
        }),
      ),
    );
  } catch (error) {
    if (error instanceof AttachmentError)
      throw invalidRequest(error.message, param, error.code ?? 'invalid_attachment');
    throw error;
  }
}

function noAccount(pool: AccountPool, model: CatalogModel): ApiError {
  const stats = pool.stats();
  const pools = model.tier === 'super' ? ['ssoSuper'] : ['ssoBasic', 'ssoSuper'];
  const usable = pools.reduce((sum, name) => sum + (stats[name]?.active ?? 0) + (stats[name]?.cooling ?? 0), 0);
  if (usable === 0) {
    return new ApiError({
      status: 503,
      message: `No Grok account can serve ${model.id}: add ${model.tier === 'super' ? 'Super' : 'Basic or Super'} accounts through the admin API.`,
      type: 'server_error',
      code: 'no_available_account',
      retryAfterSeconds: 60,
    });
  }
  return new ApiError({
    status: 429,
    message: 'Every Grok account that could serve this model is busy or rate limited. Retry later.',
    code: 'no_available_account',
    retryAfterSeconds: 60,
  });
}

/**
 * Picks an account, uploads the attachments with it and opens the upstream stream. A failure
 * before any byte reached the client moves on to another account (up to retry.max_retry);
 * the failed account gets what its error says (cooling, auth failure, …).
 */
export async function openUpstreamTurn(request: UpstreamTurnRequest, deps: TurnDependencies): Promise<UpstreamTurn> {
  const config = deps.config();
  // Grok refuses an empty message (HTTP 400, "message must be a non-empty string"); say so as the client's 400, not our 502.
  if (request.message.trim() === '' && request.attachments.length === 0) {
    throw invalidRequest(
      'The conversation has no content to send: every message is empty.',
      'messages',
      'empty_content',
    );
  }
  const loaded: LoadedAttachment[] = await loadAll(
    request.attachments,
    config,
    deps,
    request.signal,
    request.attachmentParam ?? 'messages',
  );
  const tried = new Set<string>();
  let lastError: UpstreamError | null = null;
  let cooled = 0;
  let refreshed = false;

  for (let attempt = 0; attempt < config.retry.max_retry; attempt++) {
    let lease = await deps.pool.acquireShared({
      model: request.model,
      exclude: tried,
      affinityKey: request.affinityKey,
    });
    if (!lease && !refreshed && lastError === null) {
      // Nothing free before any attempt: maybe quotas came back since the last sync.
      refreshed = true;
      if ((await deps.pool.refreshOnDemand()) > 0)
        lease = await deps.pool.acquireShared({ model: request.model, exclude: tried });
    }
    if (!lease) break;
    tried.add(lease.token);
    try {
      const fileIds: string[] = [];
      for (const file of loaded) fileIds.push((await deps.grok.uploadFile(lease.token, file)).fileId);
      const payload = buildChatPayload({
        message: request.message,
        model: request.model,
        fileAttachments: fileIds,
        config,
        temperature: request.temperature,
        topP: request.topP,
        reasoningEffort: request.reasoningEffort,
      });
      const stream = await deps.grok.chat({ token: lease.token, payload, signal: request.signal });
      return { lease, stream };
    } catch (error) {
      if (!(error instanceof UpstreamError)) {
        lease.release();
        throw error;
      }
      const capReached = error.accountEffect === 'cool' && cooled >= config.retry.max_cooled_accounts;
      if (error.accountEffect === 'cool' && !capReached) cooled += 1;
      await deps.pool.reportFailure(lease, error, { spareAccount: capReached });
      deps.logger.warn('upstream attempt failed', {
        attempt: attempt + 1,
        code: error.code,
        status: error.status,
        retryable: error.retryable,
      });
      lastError = error;
      if (!error.retryable || request.signal.aborted || capReached) break;
    }
  }
  if (lastError) throw apiErrorFromUpstream(lastError);
  throw noAccount(deps.pool, request.model);
}
