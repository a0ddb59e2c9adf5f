import { Elysia } from 'elysia';
import { randomBytes } from 'node:crypto';
import { findModel } from '../../catalog/models';
import { ConcurrencyLimit } from '../../upstream/concurrency-limit';
import { UpstreamError } from '../../upstream/errors';
import { ApiError } from '../errors';
import { modelNotFound } from '../models-routes';
import { apiErrorFromUpstream } from '../upstream-failure';
import { AnswerAssembler } from './answer-assembler';
import { ChunkBuilder } from './chunk-builder';
import { collectAnswer, completionBody } from './collect-response';
import { flattenMessages } from './flatten';
import { openUpstreamTurn, type TurnDependencies, type UpstreamTurn } from './open-upstream-turn';
import { reasoningOutputFor } from './reasoning-visibility';
import { ChatCompletionRequestSchema } from './request-schema';
import { activeToolNames } from './active-tools';
import { streamChatCompletion, type TurnOutcome } from './stream-response';
import { answerUsage } from './answer-usage';
import { validateChatRequest } from './validate';
import type { UsageRecorder } from '../../usage/usage-recorder';

export interface ChatDependencies extends TurnDependencies {
  /** Throws an ApiError unless the request carries a valid API key. */
  guard: (request: Request) => void;
  /** Keeps a usage record per request that reached an account. */
  usage?: UsageRecorder;
}

const completionId = () => `chatcmpl-${randomBytes(12).toString('hex')}`;

function settleTurn(turn: UpstreamTurn, deps: ChatDependencies, cost: number, outcome: TurnOutcome): void {
  if (outcome.kind === 'completed') {
    void deps.pool.reportSuccess(turn.lease, cost);
  } else if (outcome.kind === 'failed' && outcome.error instanceof UpstreamError) {
    // Bytes already reached the client, so nothing is replayed; the account still learns.
    void deps.pool.reportFailure(turn.lease, outcome.error);
  } else {
    turn.lease.release();
  }
}

export function chatRoutes(deps: ChatDependencies) {
  const upstreamSlots = new ConcurrencyLimit(() => deps.config().chat.concurrent);

  return new Elysia({ name: 'openai-chat' }).post(
    '/v1/chat/completions',
    async ({ body, request }) => {
      const startedAt = Date.now();
      deps.guard(request);
      validateChatRequest(body);
      const model = findModel(body.model);
      if (!model) throw modelNotFound(body.model);
      if (model.kind !== 'chat') {
        throw new ApiError({
          status: 400,
          message: `The model '${body.model}' generates media and is not served by /v1/chat/completions in this version.`,
          param: 'model',
          code: 'model_not_supported',
        });
      }
      const config = deps.config();
      const { message, attachments } = flattenMessages(body);
      const toolNames = activeToolNames(body);
      const reasoning = reasoningOutputFor(body.reasoning_effort, config);
      const identity = { id: completionId(), created: Math.floor(Date.now() / 1000), model: body.model };

      const releaseSlot = await upstreamSlots.acquire(request.signal);
      let turn: UpstreamTurn;
      try {
        turn = await openUpstreamTurn(
          {
            model,
            message,
            attachments,
            temperature: body.temperature,
            topP: body.top_p,
            reasoningEffort: body.reasoning_effort,
            signal: request.signal,
            affinityKey: request.headers.get('x-grok2api-session') ?? body.user ?? undefined,
          },
          deps,
        );
      } catch (error) {
        releaseSlot();
        throw error;
      }

      const assembler = new AnswerAssembler(toolNames);
      const usage = () => answerUsage(message, assembler);
      const settle = (outcome: TurnOutcome) => {
        releaseSlot();
        settleTurn(turn, deps, model.cost, outcome);
        const counted = usage();
        void deps.usage?.record({
          startedAt,
          authorization: request.headers.get('authorization'),
          model: body.model,
          token: turn.lease.token,
          outcome: outcome.kind,
          answerText: assembler.content + assembler.reasoning,
          promptTokens: counted.prompt_tokens,
          completionTokens: counted.completion_tokens,
        });
      };

      if (body.stream ?? config.app.stream) {
        return streamChatCompletion({
          events: turn.stream.events,
          closeUpstream: () => turn.stream.close(),
          assembler,
          chunks: new ChunkBuilder(identity.id, identity.created, identity.model, reasoning, assembler),
          includeUsage: body.stream_options?.include_usage === true,
          usage,
          keepaliveMs: config.chat.keepalive_interval * 1000,
          clientSignal: request.signal,
          onSettled: settle,
          logger: deps.logger,
        });
      }

      try {
        await collectAnswer(turn.stream.events, assembler);
      } catch (error) {
        turn.stream.close();
        settle(request.signal.aborted ? { kind: 'cancelled' } : { kind: 'failed', error });
        if (error instanceof UpstreamError) throw apiErrorFromUpstream(error);
        throw error;
      }
      settle({ kind: 'completed' });
      return completionBody(identity, assembler, reasoning, usage());
    },
    {
      body: ChatCompletionRequestSchema,
      detail: { tags: ['openai'], summary: 'Create a chat completion (streaming or not)' },
    },
  );
}
