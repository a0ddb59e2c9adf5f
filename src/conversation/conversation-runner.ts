import { ConcurrencyLimit } from '../upstream/concurrency-limit';
import { AnswerAssembler, type AnswerPiece } from './answer-assembler';
import { answerUsage } from './answer-usage';
import { toolNamesOf, type ConversationRequest } from './conversation-request';
import { firmerInstruction, forcedToolName, satisfiesForcedChoice } from './forced-tool-choice';
import { openUpstreamTurn, type TurnDependencies } from './open-upstream-turn';
import { UpstreamAttempt, type TurnOutcome } from './upstream-attempt';
import type { UsageRecorder } from '../usage/usage-recorder';
import { ApiError } from '../http/errors';
import type { AnswerSource } from './answer-source';

export interface RunnerDependencies extends TurnDependencies {
  /** Keeps a usage record per upstream attempt that reached an account. */
  usage?: UsageRecorder;
}

/** Who asked, for account affinity and usage records; every field optional. */
export interface TurnContext {
  /** Sticky affinity key (the request's `user`, or the X-Grok2api-Session header). */
  affinityKey?: string;
  /** The client's credential header (`Bearer …`); the recorder keeps only a masked form. */
  authorization?: string | null;
  /** The model id as the client named it (aliases kept). */
  modelLabel?: string;
}

/**
 * Runs conversation turns for every client API: one concurrency cap, account pick with failover
 * before the first byte (open-upstream-turn.ts), the forced-tool-choice retry, and settlement.
 */
export class ConversationRunner {
  private readonly slots: ConcurrencyLimit;

  constructor(readonly deps: RunnerDependencies) {
    this.slots = new ConcurrencyLimit(() => deps.config().chat.concurrent);
  }

  /**
   * Opens the upstream turn. Errors here (no account, upstream refused on every account) happen
   * before any byte went to the client and reach it with their real HTTP status.
   */
  async start(request: ConversationRequest, signal: AbortSignal, context: TurnContext = {}): Promise<Conversation> {
    const releaseSlot = await this.slots.acquire(signal);
    try {
      const attempt = await this.open(request, request.message, signal, context);
      return new Conversation(this, request, attempt, releaseSlot, signal, context);
    } catch (error) {
      releaseSlot();
      throw error;
    }
  }

  /** @internal used by Conversation for the firmer retry. */
  async open(
    request: ConversationRequest,
    message: string,
    signal: AbortSignal,
    context: TurnContext,
  ): Promise<UpstreamAttempt> {
    const startedAt = Date.now();
    const turn = await openUpstreamTurn(
      {
        model: request.model,
        message,
        attachments: request.attachments,
        temperature: request.temperature,
        topP: request.topP,
        reasoningEffort: request.reasoningEffort,
        signal,
        attachmentParam: request.attachmentParam,
        affinityKey: context.affinityKey,
      },
      this.deps,
    ).catch((error: unknown) => {
      this.recordRejected(error, startedAt, request, signal, context);
      throw error;
    });
    const answer = new AnswerAssembler(toolNamesOf(request), request.tools, request.parallelToolCalls);
    const usage = this.deps.usage;
    const record = usage
      ? (outcome: TurnOutcome, token: string) => {
          const counted = answerUsage(message, answer);
          void usage.record({
            startedAt,
            authorization: context.authorization ?? null,
            model: context.modelLabel ?? request.model.id,
            token,
            outcome: outcome.kind,
            answerText: answer.content + answer.reasoning,
            promptTokens: counted.prompt_tokens,
            completionTokens: counted.completion_tokens,
          });
        }
      : undefined;
    return new UpstreamAttempt(turn, answer, message, request.model.cost, this.deps, signal, record);
  }

  /** A request refused before an account served it (none free, every account refused) is usage too. */
  private recordRejected(
    error: unknown,
    startedAt: number,
    request: ConversationRequest,
    signal: AbortSignal,
    context: TurnContext,
  ): void {
    const usage = this.deps.usage;
    if (!usage) return;
    const api = error instanceof ApiError ? error : null;
    void usage.record({
      startedAt,
      authorization: context.authorization ?? null,
      model: context.modelLabel ?? request.model.id,
      token: null,
      outcome: signal.aborted ? 'cancelled' : 'rejected',
      status: api?.status ?? 500,
      errorCode: api?.code ?? null,
      answerText: '',
      promptTokens: 0,
      completionTokens: 0,
    });
  }
}

/** One running answer: pieces in order, then the assembled result. */
export class Conversation implements AnswerSource {
  private finished = false;
  private readonly forced: string | null;
  private forcedDone = false;

  constructor(
    private readonly runner: ConversationRunner,
    readonly request: ConversationRequest,
    private attempt: UpstreamAttempt,
    private readonly releaseSlot: () => void,
    private readonly signal: AbortSignal,
    private readonly context: TurnContext,
  ) {
    this.forced = request.tools.length > 0 ? forcedToolName(request.toolChoice) : null;
  }

  /** The assembled answer so far (of the attempt whose pieces the client gets). */
  get answer(): AnswerAssembler {
    return this.attempt.answer;
  }

  /** Estimated usage of the attempt whose answer the client gets. */
  usage() {
    return answerUsage(this.attempt.message, this.attempt.answer);
  }

  /** The next batch of pieces (possibly empty at the end), then null once the answer is complete. */
  async next(): Promise<AnswerPiece[] | null> {
    if (this.finished) return null;
    try {
      const pieces = this.forced === null ? await this.attempt.next() : await this.nextForced(this.forced);
      if (pieces === null) this.finish();
      return pieces;
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  /** A batch already read upstream, without waiting (none while a forced tool choice holds the answer back). */
  nextBuffered(): AnswerPiece[] | undefined {
    if (this.finished || this.forced !== null) return undefined;
    try {
      return this.attempt.nextBuffered();
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  /** Reads the whole answer (non-streaming responses). */
  async collect(): Promise<AnswerAssembler> {
    while ((await this.next()) !== null);
    return this.answer;
  }

  /** The answer is complete for the client before the upstream ended (a stop sequence matched). */
  stopEarly(): void {
    this.attempt.stopEarly();
    this.finish();
  }

  /** The client left: stop reading upstream and release everything. */
  cancel(): void {
    this.attempt.cancel();
    this.finish();
  }

  /**
   * With a forced tool choice nothing is streamed until the answer is known to hold the call;
   * one answer without it is retried with a firmer instruction, then whatever came is returned.
   */
  private async nextForced(forced: string): Promise<AnswerPiece[] | null> {
    if (this.forcedDone) return null;
    this.forcedDone = true;
    let pieces = await this.attempt.collect();
    if (
      !satisfiesForcedChoice(
        forced,
        this.attempt.answer.toolCalls.map((call) => call.name),
      ) &&
      !this.signal.aborted
    ) {
      this.runner.deps.logger.info('forced tool choice not followed; retrying once with a firmer instruction', {
        tool: forced || '(any)',
      });
      this.attempt = await this.runner.open(
        this.request,
        `${this.request.message}\n\n${firmerInstruction(forced)}`,
        this.signal,
        this.context,
      );
      pieces = await this.attempt.collect();
    }
    return pieces;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.releaseSlot();
  }
}
