import { invalidRequest } from '../../http/errors';
import { AUDIO_FORMAT, classifyMediaValue } from '../../conversation/media-value';
import { readContent } from '../../conversation/content-parts';
import type { ChatMessage, ContentPart } from './request-schema';

/**
 * Message and content-block rules of docs/python-compatibility.md §1.2, with the
 * reference's messages, params and codes so existing clients see the errors they know.
 */

export const MESSAGE_ROLES = ['assistant', 'developer', 'system', 'tool', 'user'] as const;
const ROLE_LIST = `[${MESSAGE_ROLES.map((role) => `'${role}'`).join(', ')}]`;

/** Roles whose turn is only its content. Assistant turns may be pure tool calls and tool results may be empty. */
const ROLES_NEEDING_CONTENT = new Set(['user', 'system', 'developer']);
const USER_BLOCK_TYPES = new Set(['text', 'image_url', 'input_audio', 'file']);

const checkMediaValue = (value: string, field: string, param: string, allowBareBase64 = false): void => {
  const kind = classifyMediaValue(value);
  if (kind === 'url' || kind === 'data_uri') return;
  if (kind === 'empty') throw invalidRequest(`${field} cannot be empty`, param, 'empty_media');
  if (kind === 'bare_base64' && allowBareBase64) return;
  if (kind === 'bare_base64' || kind === 'unsupported_data_uri') {
    throw invalidRequest(
      `${field} base64 must be provided as a data URI (data:<mime>;base64,...)`,
      param,
      'invalid_media',
    );
  }
  throw invalidRequest(`${field} must be a URL or data URI`, param, 'invalid_media');
};

const checkImageBlock = (part: ContentPart, param: string): void => {
  if (typeof part.image_url === 'string') return checkMediaValue(part.image_url, 'image_url', `${param}.image_url`);
  const url = part.image_url?.url;
  if (typeof url !== 'string')
    throw invalidRequest("image_url must have a 'url' field", `${param}.image_url`, 'missing_url');
  checkMediaValue(url, 'image_url.url', `${param}.image_url.url`);
};

const checkAudioBlock = (part: ContentPart, param: string): void => {
  const data = part.input_audio?.data;
  if (typeof data !== 'string')
    throw invalidRequest("input_audio must have a 'data' field", `${param}.input_audio`, 'missing_audio');
  const format = part.input_audio?.format;
  if (format !== undefined && !AUDIO_FORMAT.test(format.trim())) {
    throw invalidRequest(
      `input_audio.format '${format}' is not a valid audio format name`,
      `${param}.input_audio.format`,
      'invalid_media',
    );
  }
  // OpenAI's documented form is bare base64 plus `format`, so that pair is allowed here.
  checkMediaValue(data, 'input_audio.data', `${param}.input_audio.data`, format !== undefined);
};

const checkFileBlock = (part: ContentPart, param: string): void => {
  const fileData = part.file?.file_data;
  if (typeof fileData === 'string') return checkMediaValue(fileData, 'file.file_data', `${param}.file.file_data`);
  if (part.file?.file_id !== undefined) {
    // There is no OpenAI Files store behind this gateway to resolve the id against.
    throw invalidRequest(
      'file.file_id is not supported; send the file as file.file_data (a URL or data URI)',
      `${param}.file.file_id`,
      'unsupported_file_id',
    );
  }
  throw invalidRequest("file must have a 'file_data' field", `${param}.file`, 'missing_file');
};

const checkBlock = (part: unknown, role: string, param: string): void => {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) {
    throw invalidRequest('Content block must be an object', param, 'invalid_block');
  }
  if (Object.keys(part).length === 0) throw invalidRequest('Content block cannot be empty', param, 'empty_block');
  const block = part as ContentPart;
  if (block.type === undefined)
    throw invalidRequest("Content block must have a 'type' field", `${param}.type`, 'missing_type');
  if (block.type.trim() === '')
    throw invalidRequest("Content block 'type' cannot be empty", `${param}.type`, 'empty_type');
  if (role === 'user' && !USER_BLOCK_TYPES.has(block.type)) {
    throw invalidRequest(`Invalid content block type: '${block.type}'`, `${param}.type`, 'invalid_type');
  }
  if (role !== 'user' && block.type !== 'text') {
    throw invalidRequest(
      `The \`${role}\` role only supports 'text' type, got '${block.type}'`,
      `${param}.type`,
      'invalid_type',
    );
  }
  if (block.type === 'text') {
    if (!block.text?.trim()) throw invalidRequest('Text content cannot be empty', `${param}.text`, 'empty_text');
    return;
  }
  if (block.type === 'image_url') return checkImageBlock(block, param);
  if (block.type === 'input_audio') return checkAudioBlock(block, param);
  checkFileBlock(block, param);
};

const checkContent = (message: ChatMessage, param: string): void => {
  const { content, role } = message;
  const needsContent = ROLES_NEEDING_CONTENT.has(role);
  if (content === null || content === undefined) {
    if (needsContent) throw invalidRequest('Message content cannot be null', param, 'empty_content');
    return;
  }
  if (typeof content === 'string') {
    if (needsContent && content.trim() === '')
      throw invalidRequest('Message content cannot be empty', param, 'empty_content');
    return;
  }
  if (Array.isArray(content)) {
    if (content.length === 0 && needsContent)
      throw invalidRequest('Message content cannot be an empty array', param, 'empty_content');
    content.forEach((part, index) => checkBlock(part, role, `${param}.${index}`));
    return;
  }
  // A lone block object: the reference only ever accepted text in this form.
  if (content.type !== 'text') {
    throw invalidRequest("When content is an object, type must be 'text'", `${param}.type`, 'invalid_content_type');
  }
  checkBlock(content, role, param);
};

const checkMessage = (message: ChatMessage, index: number): void => {
  const param = `messages.${index}`;
  if (!(MESSAGE_ROLES as readonly string[]).includes(message.role)) {
    throw invalidRequest(`role must be one of ${ROLE_LIST}`, `${param}.role`, 'invalid_role');
  }
  if (message.role === 'tool' && !message.tool_call_id?.trim()) {
    throw invalidRequest(
      "tool messages must have a 'tool_call_id' field",
      `${param}.tool_call_id`,
      'missing_tool_call_id',
    );
  }
  checkContent(message, `${param}.content`);
};

const contributesInput = (message: ChatMessage): boolean => {
  if (message.role === 'tool' || (message.tool_calls?.length ?? 0) > 0) return true;
  const { texts, attachments } = readContent(message.content);
  return texts.length > 0 || attachments.length > 0;
};

export const validateMessages = (messages: ChatMessage[]): void => {
  messages.forEach(checkMessage);
  // Only reachable with assistant turns that carry nothing: Grok would get an empty prompt.
  if (!messages.some(contributesInput)) {
    throw invalidRequest(
      'messages must contain at least one message with text, attachments or tool calls',
      'messages',
      'empty_content',
    );
  }
};
