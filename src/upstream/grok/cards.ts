import { Type, type Static } from '@sinclair/typebox';
import { matchesSchema } from './compiled-check';
import { parseJson } from './json';

/**
 * Card attachments (docs/upstream-protocol.md §7.8): JSON objects the answer text
 * refers to with `<grok:render card_id=…>`. They arrive before the tag that uses them, one at a
 * time in `cardAttachment` frames or all at once in `modelResponse.cardAttachmentsJson`.
 */

const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]));

const CardIdentity = Type.Object({ id: Type.String({ minLength: 1 }) });

export const ImageChunk = Type.Object({
  imageUuid: OptionalText,
  imageUrl: OptionalText,
  image_url: OptionalText,
  progress: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  moderated: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});
const GeneratedImageCard = Type.Object({ image_chunk: ImageChunk });
const GeneratedImageCardCamel = Type.Object({ imageChunk: ImageChunk });

const SearchedImageCard = Type.Object({
  image: Type.Object({ original: Type.String({ minLength: 1 }), title: OptionalText, link: OptionalText }),
});
const CitationCard = Type.Object({ url: Type.String({ minLength: 1 }) });

export type Card = Static<typeof CardIdentity> & Record<string, unknown>;
export type ImageChunkValue = Static<typeof ImageChunk>;

const AnyObject = Type.Record(Type.String(), Type.Unknown());

/** A card from a JSON string or an object; undefined when it has no usable id. */
export function readCard(value: unknown): Card | undefined {
  const card = typeof value === 'string' ? parseJson(value) : value;
  if (!matchesSchema(AnyObject, card) || !matchesSchema(CardIdentity, card)) return undefined;
  return card;
}

export class CardRegistry {
  private readonly cards = new Map<string, Card>();

  add(value: unknown): Card | undefined {
    const card = readCard(value);
    if (card) this.cards.set(card.id, card);
    return card;
  }

  get(id: string): Card | undefined {
    return this.cards.get(id);
  }
}

export function searchedImage(card: Card): { url: string; title: string; link?: string } | undefined {
  if (!matchesSchema(SearchedImageCard, card)) return undefined;
  const { image } = card;
  return { url: image.original, title: image.title || 'image', link: image.link || undefined };
}

export function citationUrl(card: Card): string | undefined {
  return matchesSchema(CitationCard, card) ? card.url : undefined;
}

export function imageChunk(card: Card): ImageChunkValue | undefined {
  if (matchesSchema(GeneratedImageCard, card)) return card.image_chunk;
  if (matchesSchema(GeneratedImageCardCamel, card)) return card.imageChunk;
  return undefined;
}

/** Numbers cited sources in order of first citation (§10.8). */
export class CitationNumbering {
  private readonly numbers = new Map<string, number>();

  numberFor(url: string): number {
    let number = this.numbers.get(url);
    if (number === undefined) {
      number = this.numbers.size + 1;
      this.numbers.set(url, number);
    }
    return number;
  }
}

/** Relative asset paths become absolute URLs on `assetsUrl`; absolute URLs are kept. */
export function absoluteAssetUrl(path: string, assetsUrl: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${assetsUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
