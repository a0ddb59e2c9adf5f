/**
 * The playground calls the gateway's own API through /v1/function/*, authorised by the function
 * key (kept in sessionStorage for this tab only). A 401 asks for the key again.
 */

const KEY_STORE = 'grok2api.functionKey';
let functionKey = sessionStorage.getItem(KEY_STORE) || '';
let onUnauthorized: () => void = () => {};

export const hasFunctionKey = () => functionKey !== '';

export function rememberKey(key: string): void {
  functionKey = key;
  if (key) sessionStorage.setItem(KEY_STORE, key);
  else sessionStorage.removeItem(KEY_STORE);
}

/** What a 401 does (key-gate.ts shows the key form). */
export const whenUnauthorized = (handler: () => void) => {
  onUnauthorized = handler;
};

/** A failed call: its message and the HTTP status. */
export class CallFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type CallOptions = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** The raw response (failures included, so bridge and trace headers can be shown); 401 asks for the key. */
export async function send(path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (functionKey) headers.authorization = `Bearer ${functionKey}`;
  const response = await fetch(`/v1/function${path}`, { ...options, headers });
  if (response.status === 401) onUnauthorized();
  return response;
}

/** Like send, but a failure status throws a CallFailure with the API's message. */
export async function call(path: string, options: CallOptions = {}) {
  const response = await send(path, options);
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new CallFailure(body?.error?.message || `HTTP ${response.status}`, response.status);
  }
  return response;
}

/** One event of a streamed chat completion, as far as the pages read it. */
export interface ChatChunk {
  choices?: { delta?: { content?: string; reasoning_content?: string } }[];
}

/** Yields each parsed `data:` event of an OpenAI-style SSE response. */
export async function* events(response: Response): AsyncGenerator<ChatChunk> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let index: number;
    while ((index = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      for (const line of block.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        try {
          yield JSON.parse(data);
        } catch {
          /* a comment or keep-alive */
        }
      }
    }
  }
}

export const readAsDataUrl = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
