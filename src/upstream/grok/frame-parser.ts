import type { Static, TSchema } from '@sinclair/typebox';
import { absoluteAssetUrl, CardRegistry, CitationNumbering, imageChunk } from './cards';
import { classifyInBandError, type InBandError } from './classify';
import {
  CardAttachmentGroup,
  CardAttachmentsGroup,
  CardAttachment,
  ConversationFrame,
  FinalMetadataGroup,
  GatewayErrorFrame,
  GatewayStreamErrorFrame,
  ImageProgressGroup,
  LlmInfoGroup,
  ModelResponseFields,
  ModelResponseGroup,
  ResponseErrorGroup,
  ResponseFrame,
  SoftStopGroup,
  StreamErrorObject,
  TokenGroup,
  ToolUsageCardGroup,
  TopLevelErrorFrame,
  pick,
  type GrokEvent,
} from './frames';
import { cleanMarkup, MarkupFilter, TOOL_CARD_TAG } from './markup';
import { parseStructuredToolCard, type ToolCard } from './tool-cards';

/**
 * Frames → `GrokEvent`s for one stream. It keeps the state markup clean-up needs across frames:
 * the card registry, citation numbers and the partial tags held back by each text channel.
 * In-band errors (docs/upstream-protocol.md §5.3) are thrown as `UpstreamError`.
 */

export interface FrameParserOptions {
  /** `upstream.assets_url`, for relative image paths. */
  assetsUrl: string;
  /** Sees every decoded frame first; media features read frame kinds chat does not need (e.g. video progress). */
  observeFrame?: (frame: unknown) => void;
  /** `app.filter_tags`. */
  filterTags: readonly string[];
}

type Channel = 'reasoning' | 'text';

export class FrameParser {
  private readonly cards = new CardRegistry();
  private readonly citations = new CitationNumbering();
  private readonly filters = new Map<string, MarkupFilter>();
  private readonly moderatedUrls = new Set<string>();
  private readonly imageSlots = new Map<string, number>();
  /** Once the upstream sends structured tool cards, the XML copies are duplicates. */
  private structuredToolCards = false;
  private answerText = '';
  private finished = false;

  constructor(private readonly options: FrameParserOptions) {}

  parseFrame(value: unknown): GrokEvent[] {
    this.options.observeFrame?.(value);
    throwInBandError(value);
    const conversation = pickKeyed(ConversationFrame, value, 'result');
    if (conversation)
      return [{ type: 'conversation', conversationId: conversation.result.conversation.conversationId }];
    const frame = pickKeyed(ResponseFrame, value, 'result');
    if (!frame) return [];
    const response = frame.result.response;
    const responseError = pickKeyed(ResponseErrorGroup, response, 'error');
    if (responseError) throw classifyInBandError(errorFields(responseError.error));

    const events: GrokEvent[] = [];
    this.registerCards(response, events);
    this.readToken(response, events);
    this.readToolCard(response, events);
    this.readImageProgress(response, events);
    this.readModelResponse(response, events);
    const llmInfo = pickKeyed(LlmInfoGroup, response, 'llmInfo');
    if (llmInfo) events.push({ type: 'metadata', modelHash: llmInfo.llmInfo.modelHash });
    const softStop = pickKeyed(SoftStopGroup, response, 'isSoftStop');
    if (softStop || pickKeyed(FinalMetadataGroup, response, 'finalMetadata')) events.push(...this.finish());
    return events;
  }

  /** End of the body: releases text still held back and reports `done` once. */
  finish(): GrokEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const events: GrokEvent[] = [];
    for (const [key, filter] of this.filters) {
      const output = filter.flush();
      const channel: Channel = key.startsWith('reasoning') ? 'reasoning' : 'text';
      if (output.text) events.push(this.textEvent(channel, output.text, undefined));
    }
    events.push({ type: 'done' });
    return events;
  }

  private filter(key: string, tags: readonly string[]): MarkupFilter {
    let filter = this.filters.get(key);
    if (!filter) {
      filter = new MarkupFilter({ tags, cards: this.cards, citations: this.citations });
      this.filters.set(key, filter);
    }
    return filter;
  }

  private registerCards(response: Record<string, unknown>, events: GrokEvent[]): void {
    const single = pickKeyed(CardAttachmentGroup, response, 'cardAttachment');
    const many = pickKeyed(CardAttachmentsGroup, response, 'cardAttachments');
    const attachments = [...(single ? [single.cardAttachment] : []), ...(many?.cardAttachments ?? [])];
    for (const attachment of attachments) {
      const checked = pick(CardAttachment, attachment);
      const card = checked ? this.cards.add(checked.jsonData) : undefined;
      const chunk = card ? imageChunk(card) : undefined;
      const path = chunk?.imageUrl ?? chunk?.image_url;
      if (!chunk || !path) continue;
      const url = absoluteAssetUrl(path, this.options.assetsUrl);
      const slotKey = chunk.imageUuid ?? card?.id ?? url;
      if (!this.imageSlots.has(slotKey)) this.imageSlots.set(slotKey, this.imageSlots.size);
      this.pushImage(events, {
        url,
        index: this.imageSlots.get(slotKey) ?? 0,
        progress: chunk.progress ?? 0,
        moderated: chunk.moderated === true,
      });
    }
  }

  private readToken(response: Record<string, unknown>, events: GrokEvent[]): void {
    const token = pickKeyed(TokenGroup, response, 'token');
    if (!token || token.token === '') return;
    const tag = token.messageTag ?? '';
    const rollout = token.rolloutId ?? '';
    const responseId = token.responseId ?? undefined;
    if (tag === 'raw_function_result') return;
    if (tag === 'tool_usage_card') {
      // Tool cards are never answer text; they only become tool_usage events.
      const output = this.filter(`tool:${rollout}`, [TOOL_CARD_TAG]).feed(token.token);
      if (!this.structuredToolCards) for (const card of output.toolCards) this.pushToolCard(events, card, rollout);
      return;
    }
    const isReasoning =
      token.isThinking === true ||
      (token.messageStepId !== undefined && token.messageStepId !== null) ||
      tag === 'analysis';
    if (!isReasoning && tag !== '' && tag !== 'final') return;
    const channel: Channel = isReasoning ? 'reasoning' : 'text';
    const output = this.filter(`${channel}:${rollout}`, this.options.filterTags).feed(token.token);
    if (!this.structuredToolCards) for (const card of output.toolCards) this.pushToolCard(events, card, rollout);
    if (output.text) events.push(this.textEvent(channel, output.text, responseId));
  }

  private textEvent(channel: Channel, text: string, responseId: string | undefined): GrokEvent {
    if (channel === 'text') this.answerText += text;
    const base = responseId ? { text, responseId } : { text };
    return channel === 'text' ? { type: 'text', ...base } : { type: 'reasoning', ...base };
  }

  private readToolCard(response: Record<string, unknown>, events: GrokEvent[]): void {
    const group = pickKeyed(ToolUsageCardGroup, response, 'toolUsageCard');
    const card = group ? parseStructuredToolCard(group.toolUsageCard) : undefined;
    if (!group || !card) return;
    this.structuredToolCards = true;
    this.pushToolCard(events, card, group.rolloutId ?? '');
  }

  private pushToolCard(events: GrokEvent[], card: ToolCard, rollout: string): void {
    const event: GrokEvent = { type: 'tool_usage', summary: card.summary, toolName: card.toolName, args: card.args };
    if (rollout) event.rolloutId = rollout;
    events.push(event);
  }

  private readImageProgress(response: Record<string, unknown>, events: GrokEvent[]): void {
    const group = pickKeyed(ImageProgressGroup, response, 'streamingImageGenerationResponse');
    if (!group) return;
    const image = group.streamingImageGenerationResponse;
    const path = image.imageUrl ?? image.url;
    if (!path) return;
    const progress = image.isFinal === true ? 100 : (image.progress ?? 0);
    const url = absoluteAssetUrl(path, this.options.assetsUrl);
    this.pushImage(events, { url, index: image.imageIndex ?? 0, progress, moderated: image.moderated === true });
  }

  private pushImage(
    events: GrokEvent[],
    image: { url: string; index: number; progress: number; moderated: boolean },
  ): void {
    // A moderated image must stay hidden even if it is listed again later.
    if (image.moderated) this.moderatedUrls.add(image.url);
    events.push({ type: 'image', ...image });
  }

  private readModelResponse(response: Record<string, unknown>, events: GrokEvent[]): void {
    const group = pickKeyed(ModelResponseGroup, response, 'modelResponse');
    if (!group) return;
    const model = group.modelResponse;
    const streamErrors = pick(ModelResponseFields.streamErrors, model.streamErrors);
    if (streamErrors) throw classifyInBandError(streamErrorFields(streamErrors[0]));
    for (const card of pick(ModelResponseFields.cardAttachmentsJson, model.cardAttachmentsJson) ?? [])
      this.cards.add(card);

    const rawMessage = pick(ModelResponseFields.message, model.message) ?? '';
    const cleaned = cleanMarkup(rawMessage, {
      tags: this.options.filterTags,
      cards: this.cards,
      citations: new CitationNumbering(),
      toolCardsAsText: true,
    }).text;
    // Multi-agent modes may leave `message` empty; the streamed answer is the answer then.
    const message = cleaned.trim() ? cleaned : this.answerText;
    const generatedImageUrls: string[] = [];
    for (const key of ['generatedImageUrls', 'imageUrls', 'imageURLs']) {
      for (const path of pick(ModelResponseFields.imageList, model[key]) ?? []) {
        if (typeof path !== 'string' || !path) continue;
        const url = absoluteAssetUrl(path, this.options.assetsUrl);
        if (!this.moderatedUrls.has(url) && !generatedImageUrls.includes(url)) generatedImageUrls.push(url);
      }
    }
    const event: GrokEvent = { type: 'final', message, rawMessage, generatedImageUrls };
    const responseId = pick(ModelResponseFields.responseId, model.responseId);
    if (responseId) event.responseId = responseId;
    const modelHash = pick(ModelResponseFields.metadata, model.metadata)?.llm_info.modelHash;
    if (modelHash) event.modelHash = modelHash;
    events.push(event);
  }
}

/**
 * `pick` of a schema whose `key` is required, skipped when the frame lacks the key (the check could
 * not pass): a frame carries one or two of the groups, so most of the checks end here.
 */
function pickKeyed<T extends TSchema>(schema: T, value: unknown, key: string): Static<T> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ((value as Record<string, unknown>)[key] === undefined) return undefined;
  return pick(schema, value);
}

function throwInBandError(value: unknown): void {
  const topLevel = pickKeyed(TopLevelErrorFrame, value, 'error');
  if (topLevel) throw classifyInBandError(errorFields(topLevel.error));
  const gateway = pickKeyed(GatewayErrorFrame, value, 'event');
  if (gateway) throw classifyInBandError(errorFields(gateway.event.error));
  const streamError = pickKeyed(GatewayStreamErrorFrame, value, 'event');
  if (streamError) throw classifyInBandError(errorFields(streamError.event.output.stream_error));
}

function errorFields(error: string | { code?: string | number | null; message?: string | null }): InBandError {
  if (typeof error === 'string') return { message: error };
  return { code: error.code ?? undefined, message: error.message ?? undefined };
}

function streamErrorFields(error: unknown): InBandError {
  if (typeof error === 'string') return { message: error };
  const checked = pick(StreamErrorObject, error);
  if (!checked) return { message: 'stream error' };
  return {
    code: checked.code ?? undefined,
    message: checked.message ?? checked.error ?? checked.detail ?? 'stream error',
  };
}
