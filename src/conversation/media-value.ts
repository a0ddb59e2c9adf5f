/**
 * What a client may put where a media file is expected (image_url.url, input_audio.data,
 * file.file_data): an http(s) URL the gateway downloads, or a base64 data URI
 * (docs/upstream-protocol.md §10.3). Anything else is classified so the validator can
 * tell the client what to send instead.
 */

export type MediaValueKind = 'url' | 'data_uri' | 'empty' | 'bare_base64' | 'unsupported_data_uri' | 'other';

/** The upload path decodes base64, so a data URI must say `;base64,`. */
const BASE64_DATA_URI = /^data:[^,]*;base64,/i;
/** Short strings such as "hello" are valid base64 too; only long ones are probably meant as file bytes. */
const BARE_BASE64 = /^[A-Za-z0-9+/_-]{32,}={0,2}$/;

const isHttpUrl = (value: string): boolean => {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

export const classifyMediaValue = (value: string): MediaValueKind => {
  const trimmed = value.trim();
  if (trimmed === '') return 'empty';
  if (/^data:/i.test(trimmed)) return BASE64_DATA_URI.test(trimmed) ? 'data_uri' : 'unsupported_data_uri';
  if (isHttpUrl(trimmed)) return 'url';
  if (BARE_BASE64.test(trimmed.replace(/\s+/g, ''))) return 'bare_base64';
  return 'other';
};

/** OpenAI's `input_audio.format` is an extension name; these two differ from their MIME subtype. */
const AUDIO_MIME_BY_FORMAT: Record<string, string> = { mp3: 'audio/mpeg', m4a: 'audio/mp4' };

export const AUDIO_FORMAT = /^[A-Za-z0-9.+-]{1,16}$/;

/**
 * OpenAI's own `input_audio` is bare base64 plus a `format`, so that pair is accepted and
 * turned into the data URI the upload path expects.
 */
export const audioDataUri = (base64: string, format: string): string => {
  const normalised = format.trim().toLowerCase();
  const mime = AUDIO_MIME_BY_FORMAT[normalised] ?? `audio/${normalised}`;
  return `data:${mime};base64,${base64.replace(/\s+/g, '')}`;
};
