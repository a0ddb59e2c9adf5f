import { audioDataUri, classifyMediaValue } from './media-value';
import type { ChatMessage, ContentPart } from './message-model';

/** A media input to upload to Grok before the chat call. */
export interface Attachment {
  kind: 'image' | 'file' | 'audio';
  /** An http(s) URL or a base64 data URI. */
  source: string;
  filename?: string;
}

export interface MessageContent {
  /** Non-empty, trimmed text pieces in order. */
  texts: string[];
  attachments: Attachment[];
}

/** The content as a list of blocks: a lone block object counts as a one-element list. */
export const contentBlocks = (content: ChatMessage['content']): ContentPart[] | undefined => {
  if (content === null || content === undefined || typeof content === 'string') return undefined;
  return Array.isArray(content) ? content : [content];
};

const imageSource = (part: ContentPart): string | undefined =>
  typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;

const audioSource = (part: ContentPart): string | undefined => {
  const data = part.input_audio?.data;
  const format = part.input_audio?.format;
  if (data === undefined || format === undefined) return data;
  const kind = classifyMediaValue(data);
  return kind === 'url' || kind === 'data_uri' ? data : audioDataUri(data, format);
};

const partAttachment = (part: ContentPart): Attachment | undefined => {
  if (part.type === 'image_url') {
    const source = imageSource(part);
    return source ? { kind: 'image', source: source.trim() } : undefined;
  }
  if (part.type === 'input_audio') {
    const source = audioSource(part);
    return source ? { kind: 'audio', source: source.trim() } : undefined;
  }
  if (part.type === 'file') {
    const source = part.file?.file_data;
    if (!source) return undefined;
    const filename = part.file?.filename?.trim();
    return filename ? { kind: 'file', source: source.trim(), filename } : { kind: 'file', source: source.trim() };
  }
  return undefined;
};

/** Text and media of one message, in the order the client wrote them. */
export const readContent = (content: ChatMessage['content']): MessageContent => {
  if (typeof content === 'string') {
    const text = content.trim();
    return { texts: text ? [text] : [], attachments: [] };
  }
  const texts: string[] = [];
  const attachments: Attachment[] = [];
  for (const part of contentBlocks(content) ?? []) {
    if (part.type === 'text') {
      const text = part.text?.trim();
      if (text) texts.push(text);
      continue;
    }
    const attachment = partAttachment(part);
    if (attachment) attachments.push(attachment);
  }
  return { texts, attachments };
};
