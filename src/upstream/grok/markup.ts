import { type CardRegistry, type CitationNumbering, citationUrl, searchedImage } from './cards';
import { parseToolCardMarkup, type ToolCard } from './tool-cards';

/**
 * Cleans Grok's XML-like markup out of answer text (docs/upstream-protocol.md §7.7,
 * §10.7). The streaming filter holds back only text that could still become one of the listed
 * tags, so a tag split across tokens never leaks and ordinary text is never dropped (the
 * reference dropped every token that touched a tag).
 */

export const RENDER_TAG = 'grok:render';
export const TOOL_CARD_TAG = 'xai:tool_usage_card';

export interface MarkupOptions {
  /** Tag names to clean (`app.filter_tags`); matched case-insensitively. */
  tags: readonly string[];
  cards: CardRegistry;
  citations: CitationNumbering;
  /**
   * Whole-message mode writes tool cards as summary lines into the text (the non-stream rule of
   * §10.7); streaming mode hands them back separately so they become events.
   */
  toolCardsAsText?: boolean;
}

export interface MarkupOutput {
  text: string;
  toolCards: ToolCard[];
}

type TagStart =
  | { kind: 'open'; tag: string }
  | { kind: 'close'; length: number }
  | { kind: 'partial' }
  | { kind: 'none' };

const isDelimiter = (character: string) => /[\s>/]/.test(character);

export class MarkupFilter {
  private readonly tags: string[];
  private held = '';
  /** The tag whose element `held` starts with, while its end has not arrived. */
  private openTag: string | undefined;
  /** Where to resume looking for the element's end, so long elements are not rescanned. */
  private searchFrom = 0;
  private lastCharacter = '';
  private lastCitation: string | undefined;

  constructor(private readonly options: MarkupOptions) {
    this.tags = options.tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean);
  }

  feed(delta: string): MarkupOutput {
    const output: MarkupOutput = { text: '', toolCards: [] };
    this.held += delta;
    while (this.held) {
      if (this.openTag !== undefined) {
        const end = this.elementEnd(this.openTag);
        if (end < 0) break;
        const element = this.held.slice(0, end);
        this.held = this.held.slice(end);
        this.emitElement(this.openTag, element, output);
        this.openTag = undefined;
        this.searchFrom = 0;
        continue;
      }
      const bracket = this.held.indexOf('<');
      if (bracket < 0) {
        this.emitText(this.held, output);
        this.held = '';
        break;
      }
      this.emitText(this.held.slice(0, bracket), output);
      this.held = this.held.slice(bracket);
      const start = this.matchTagStart();
      if (start.kind === 'partial') break;
      if (start.kind === 'open') this.openTag = start.tag;
      else if (start.kind === 'close')
        this.held = this.held.slice(start.length); // a stray closing tag
      else {
        this.emitText('<', output);
        this.held = this.held.slice(1);
      }
    }
    return output;
  }

  /** End of input: an unfinished element is markup and goes; an unfinished maybe-tag was text. */
  flush(): MarkupOutput {
    const output: MarkupOutput = { text: '', toolCards: [] };
    if (this.openTag === undefined) this.emitText(this.held, output);
    this.held = '';
    this.openTag = undefined;
    this.searchFrom = 0;
    return output;
  }

  private matchTagStart(): TagStart {
    const held = this.held;
    let partial = false;
    for (const tag of this.tags) {
      const head = held.slice(0, tag.length + 3).toLowerCase();
      const open = `<${tag}`;
      if (head.startsWith(open)) {
        if (held.length === open.length) partial = true;
        else if (isDelimiter(held[open.length])) return { kind: 'open', tag };
      } else if (open.startsWith(head)) partial = true;

      const close = `</${tag}`;
      if (head.startsWith(close)) {
        const rest = /^\s*>/.exec(held.slice(close.length));
        if (rest) return { kind: 'close', length: close.length + rest[0].length };
        if (/^\s*$/.test(held.slice(close.length))) partial = true;
      } else if (close.startsWith(head)) partial = true;
    }
    return partial ? { kind: 'partial' } : { kind: 'none' };
  }

  /** Index just past the element `held` starts with, or -1 while it is incomplete. */
  private elementEnd(tag: string): number {
    const openingEnd = openingTagEnd(this.held);
    if (openingEnd < 0) return -1;
    if (this.held[openingEnd - 2] === '/') return openingEnd; // self-closing
    const closing = new RegExp(`</${escapeRegExp(tag)}\\s*>`, 'gi');
    closing.lastIndex = Math.max(openingEnd, this.searchFrom);
    const match = closing.exec(this.held);
    if (match) return match.index + match[0].length;
    // The closing tag may be arriving in pieces; rescan only its possible start next time.
    this.searchFrom = Math.max(openingEnd, this.held.length - tag.length - 16);
    return -1;
  }

  private emitElement(tag: string, element: string, output: MarkupOutput): void {
    if (tag === RENDER_TAG) this.emitRender(element, output);
    else if (tag === TOOL_CARD_TAG) {
      const card = parseToolCardMarkup(element);
      if (!card) return;
      if (this.options.toolCardsAsText) this.emitBlock(card.summary, output, true);
      else output.toolCards.push(card);
    }
    // Any other listed tag (xaiartifact, operator additions) is removed with its content.
  }

  private emitRender(element: string, output: MarkupOutput): void {
    const attributes = openingTagAttributes(element);
    const card = this.options.cards.get(attributes.card_id ?? '');
    if (!card) return;
    const type = attributes.type ?? '';
    if (type === 'render_generated_image' || type === 'render_file') return; // delivered as image events
    const image = type === 'render_inline_citation' ? undefined : searchedImage(card);
    if (image) {
      const markdown = `![${image.title}](${image.url})`;
      this.emitBlock(image.link ? `[${markdown}](${image.link})` : markdown, output, false);
      return;
    }
    const url = type === 'render_searched_image' ? undefined : citationUrl(card);
    if (!url || url === this.lastCitation) return; // an immediate repeat of the same citation collapses
    this.append(`[[${this.options.citations.numberFor(url)}]](${url})`, output);
    this.lastCitation = url;
  }

  /** Text that must start on its own line (images, tool summaries). */
  private emitBlock(text: string, output: MarkupOutput, endLine: boolean): void {
    const needsBreak = this.lastCharacter !== '' && this.lastCharacter !== '\n';
    this.emitText(`${needsBreak ? '\n' : ''}${text}${endLine ? '\n' : ''}`, output);
  }

  private emitText(text: string, output: MarkupOutput): void {
    if (!text) return;
    if (/\S/.test(text)) this.lastCitation = undefined;
    this.append(text, output);
  }

  private append(text: string, output: MarkupOutput): void {
    output.text += text;
    this.lastCharacter = text[text.length - 1];
  }
}

/** Whole-string clean-up, for `modelResponse.message`. */
export function cleanMarkup(text: string, options: MarkupOptions): MarkupOutput {
  const filter = new MarkupFilter(options);
  const body = filter.feed(text);
  const rest = filter.flush();
  return { text: body.text + rest.text, toolCards: [...body.toolCards, ...rest.toolCards] };
}

/** Index just past the `>` that closes the opening tag, ignoring `>` inside quoted values. */
function openingTagEnd(text: string): number {
  let quote: string | undefined;
  for (let index = 1; index < text.length; index++) {
    const character = text[index];
    if (quote) {
      if (character === quote) quote = undefined;
    } else if (character === '"' || character === "'") quote = character;
    else if (character === '>') return index + 1;
  }
  return -1;
}

function openingTagAttributes(element: string): Record<string, string> {
  const opening = element.slice(0, Math.max(0, openingTagEnd(element)));
  const attributes: Record<string, string> = {};
  for (const match of opening.matchAll(/([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))/g)) {
    attributes[match[1].toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
  }
  return attributes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
