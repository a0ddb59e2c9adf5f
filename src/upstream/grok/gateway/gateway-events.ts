import { Type } from '@sinclair/typebox';
import { UpstreamError } from '../../errors';
import { absoluteAssetUrl, CitationNumbering, imageChunk, readCard } from '../cards';
import { classifyInBandError, type InBandError } from '../classify';
import { AnyObject, ErrorBody, pick, type GrokEvent } from '../frames';
import { summarizeTool } from '../tool-cards';

/**
 * Server → client events of the model gateway (docs/upstream-protocol.md §8.3) as the
 * same `GrokEvent`s the REST stream produces, so the chat pipeline does not know which transport
 * ran. Unknown event types (acknowledgements, pongs) are ignored, as the reference does.
 */

const EventObject = Type.Object({ event: AnyObject });
const Envelope = Type.Object({ session_id: Type.Optional(Type.String()), event: Type.Object({ type: Type.String() }) });

const SessionCreated = Type.Object({ client_event_id: Type.Optional(Type.String()) });
const ConversationAttached = Type.Object({ conversation: Type.Object({ id: Type.String({ minLength: 1 }) }) });
const TextChunk = Type.Object({ text: Type.Object({ text: Type.String(), channel: Type.Optional(Type.String()) }) });
const ToolUsageChunk = Type.Object({ tool_usage_card: AnyObject });
const CitationChunk = Type.Object({ render_citation: Type.Object({ url: Type.String({ minLength: 1 }) }) });
const ChunkEvent = Type.Object({ chunk: AnyObject });
const TextDelta = Type.Object({ delta: Type.String() });
const TextDone = Type.Object({ text: Type.String() });
const GrokOutput = Type.Object({
  output: Type.Object({ card_attachment: Type.Optional(Type.Unknown()), stream_error: Type.Optional(ErrorBody) }),
});
const CardJson = Type.Object({ jsonData: Type.Union([Type.String(), AnyObject]) });
const ResponseDone = Type.Object({
  response: Type.Object({ id: Type.Optional(Type.String()), status: Type.Optional(Type.String()) }),
});
const ErrorEvent = Type.Object({ error: Type.Union([ErrorBody, Type.String()]) });
const ToolArgs = Type.Object({ args: Type.Optional(Type.Unknown()) });

/** Where a turn stands: the handshake answers arrive first, then the answer. */
export interface GatewayProgress {
  sessionId?: string;
  attached: boolean;
  done: boolean;
}

export interface GatewayParserOptions {
  assetsUrl: string;
  /** Our `session.create` event id: other sessions' `session.created` are not ours. */
  initEventId: string;
}

export class GatewayEventParser {
  readonly progress: GatewayProgress = { attached: false, done: false };
  private readonly citations = new CitationNumbering();
  private readonly imageSlots = new Map<string, number>();
  private answer = '';
  private sawDelta = false;
  private lastCitation: string | undefined;

  constructor(private readonly options: GatewayParserOptions) {}

  /** One text frame. Throws the turn's failure as an `UpstreamError`. */
  parse(text: string): GrokEvent[] {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw protocolError('a gateway frame is not valid JSON', error);
    }
    const envelope = pick(Envelope, value);
    if (!envelope) return [];
    const event = pick(EventObject, value)?.event ?? {};
    switch (envelope.event.type) {
      case 'session.created':
        return this.sessionCreated(envelope.session_id, event);
      case 'conversation.attached':
        return this.conversationAttached(event);
      case 'response.chunk':
        return this.chunk(pick(ChunkEvent, event)?.chunk);
      case 'response.output_text.delta': {
        const delta = pick(TextDelta, event)?.delta;
        if (!delta) return [];
        this.sawDelta = true;
        return this.text(delta);
      }
      case 'response.output_text.done': {
        const done = pick(TextDone, event)?.text;
        return done && !this.sawDelta && !this.answer ? this.text(done) : [];
      }
      case 'response.grok.output':
        return this.grokOutput(event);
      case 'response.done':
        return this.responseDone(event);
      case 'error': {
        const error = pick(ErrorEvent, event)?.error ?? 'gateway error';
        throw classifyInBandError(errorFields(error));
      }
      case 'session.ended':
        if (this.progress.done) return [];
        throw new UpstreamError({
          code: 'stream_truncated',
          message: 'chat gateway: the session ended before the answer was complete',
          retryable: false,
          accountEffect: 'none',
        });
      default:
        return [];
    }
  }

  private sessionCreated(sessionId: string | undefined, event: Record<string, unknown>): GrokEvent[] {
    const created = pick(SessionCreated, event);
    if (!created) return [];
    if (created.client_event_id && created.client_event_id !== this.options.initEventId) return [];
    if (!sessionId) throw protocolError('session.created carries no session id');
    this.progress.sessionId = sessionId;
    return [{ type: 'conversation', conversationId: sessionId }];
  }

  private conversationAttached(event: Record<string, unknown>): GrokEvent[] {
    const attached = pick(ConversationAttached, event);
    if (!attached) return [];
    const id = attached.conversation.id;
    if (this.progress.sessionId && this.progress.sessionId !== id) throw protocolError('inconsistent conversation id');
    this.progress.sessionId ??= id;
    this.progress.attached = true;
    return [];
  }

  private chunk(chunk: Record<string, unknown> | undefined): GrokEvent[] {
    if (!chunk) return [];
    const text = pick(TextChunk, chunk);
    if (text) {
      const channel = (text.text.channel ?? '').toUpperCase();
      if (channel.includes('ANALYSIS') || channel.includes('REASONING'))
        return text.text.text ? [{ type: 'reasoning', text: text.text.text }] : [];
      if (channel === '' || channel === 'CHANNEL_ASSISTANT_RESPONSE') return this.text(text.text.text);
      return [];
    }
    const tool = pick(ToolUsageChunk, chunk);
    if (tool) return this.toolUsage(tool.tool_usage_card);
    const citation = pick(CitationChunk, chunk);
    if (citation) {
      const url = citation.render_citation.url;
      if (url === this.lastCitation) return [];
      this.lastCitation = url;
      return this.text(`[[${this.citations.numberFor(url)}]](${url})`, true);
    }
    return [];
  }

  private text(text: string, citation = false): GrokEvent[] {
    if (!text) return [];
    if (!citation && /\S/.test(text)) this.lastCitation = undefined;
    this.answer += text;
    return [{ type: 'text', text }];
  }

  private toolUsage(card: Record<string, unknown>): GrokEvent[] {
    for (const [toolName, value] of Object.entries(card)) {
      if (toolName === 'tool_usage_card_id' || typeof value !== 'object' || value === null) continue;
      // The query sits under `args` or directly under the tool key (§8.3).
      const args = pick(ToolArgs, value)?.args ?? value;
      return [{ type: 'tool_usage', toolName, args, summary: summarizeTool(toolName, args, JSON.stringify(args)) }];
    }
    return [];
  }

  private grokOutput(event: Record<string, unknown>): GrokEvent[] {
    const output = pick(GrokOutput, event)?.output;
    if (!output) return [];
    if (output.stream_error) throw classifyInBandError(errorFields(output.stream_error));
    const card = pick(CardJson, output.card_attachment);
    const parsed = card ? readCard(card.jsonData) : undefined;
    const chunk = parsed ? imageChunk(parsed) : undefined;
    const path = chunk?.imageUrl ?? chunk?.image_url;
    if (!chunk || !path) return [];
    const url = absoluteAssetUrl(path, this.options.assetsUrl);
    const slot = chunk.imageUuid ?? url;
    if (!this.imageSlots.has(slot)) this.imageSlots.set(slot, this.imageSlots.size);
    return [
      {
        type: 'image',
        url,
        index: this.imageSlots.get(slot) ?? 0,
        progress: chunk.progress ?? 0,
        moderated: chunk.moderated === true,
      },
    ];
  }

  private responseDone(event: Record<string, unknown>): GrokEvent[] {
    const done = pick(ResponseDone, event);
    const status = done?.response.status ?? '';
    if (status !== 'completed') {
      throw new UpstreamError({
        code: 'stream_error',
        message: `chat gateway: the response ended with status ${JSON.stringify(status.slice(0, 40))}`,
        retryable: true,
        accountEffect: 'none',
      });
    }
    this.progress.done = true;
    const final: GrokEvent = { type: 'final', message: this.answer, rawMessage: this.answer, generatedImageUrls: [] };
    if (done?.response.id) final.responseId = done.response.id;
    return [final, { type: 'done' }];
  }
}

function errorFields(error: string | { code?: string | number | null; message?: string | null }): InBandError {
  if (typeof error === 'string') return { message: error };
  return { code: error.code ?? undefined, message: error.message ?? undefined };
}

function protocolError(message: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    code: 'bad_response',
    message: `chat gateway: ${message}`,
    retryable: false,
    accountEffect: 'none',
    cause,
  });
}
