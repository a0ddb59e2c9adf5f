// Helpers shared by the simulator tests: they speak to the simulator over real HTTP, the way
// the gateway does.
import type { Simulator } from '../../src/simulator/server';

export const STATSIG =
  'ZTpUeXBlRXJyb3I6IENhbm5vdCByZWFkIHByb3BlcnRpZXMgb2YgdW5kZWZpbmVkIChyZWFkaW5nICdjaGlsZE5vZGVzJyk=';
export const CHAT_PATH = '/rest/app-chat/conversations/new';

export interface CallOptions {
  token?: string | null;
  statsig?: string | null;
  cookie?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function headersFor(options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const token = options.token === undefined ? 'token-basic' : options.token;
  const cookies = [token ? `sso=${token}; sso-rw=${token}` : '', options.cookie ?? ''].filter(Boolean);
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  const statsig = options.statsig === undefined ? STATSIG : options.statsig;
  if (statsig) headers['x-statsig-id'] = statsig;
  return headers;
}

export function postJson(
  simulator: Simulator,
  path: string,
  body: unknown,
  options: CallOptions = {},
): Promise<Response> {
  return fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: headersFor(options),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: options.signal,
  });
}

export function getPath(simulator: Simulator, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = headersFor(options);
  delete headers['content-type'];
  return fetch(`${simulator.url}${path}`, { headers, signal: options.signal });
}

export function chat(
  simulator: Simulator,
  body: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<Response> {
  return postJson(simulator, CHAT_PATH, { message: 'What is 2+2?', modeId: 'fast', temporary: true, ...body }, options);
}

export function rateLimits(simulator: Simulator, modelName: string, options: CallOptions = {}): Promise<Response> {
  return postJson(simulator, '/rest/rate-limits', { modelName }, options);
}

/**
 * Every complete top-level JSON object in `text`, whatever the framing (NDJSON, `data:`
 * lines, back to back), plus whatever unfinished text follows the last one.
 */
export function scanJsonObjects(text: string): { objects: any[]; rest: string } {
  const objects: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  let consumed = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"' && depth > 0) inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        objects.push(JSON.parse(text.slice(start, index + 1)));
        consumed = index + 1;
      }
    }
  }
  return { objects, rest: text.slice(consumed) };
}

export async function readFrames(response: Response): Promise<any[]> {
  const { objects, rest } = scanJsonObjects(await response.text());
  if (rest.includes('{')) throw new Error(`stream ended inside an object: ${rest}`);
  return objects;
}

/** Frames grouped the way a gateway reads them. */
export function summarise(frames: any[]) {
  const responses = frames.map((frame) => frame?.result?.response).filter(Boolean);
  const tokens = responses.filter((response) => typeof response.token === 'string');
  return {
    conversation: frames.find((frame) => frame?.result?.conversation)?.result.conversation,
    userResponse: responses.find((response) => response.userResponse)?.userResponse,
    thinking: tokens.filter((token) => token.isThinking).map((token) => token.token as string),
    answer: tokens.filter((token) => !token.isThinking).map((token) => token.token as string),
    thinkingFrames: tokens.filter((token) => token.isThinking),
    answerFrames: tokens.filter((token) => !token.isThinking),
    modelResponse: responses.find((response) => response.modelResponse)?.modelResponse,
    final: responses.find((response) => response.finalMetadata),
  };
}

/** Polls a condition the simulator reaches asynchronously (e.g. noticing an abort). */
export async function eventually(check: () => Promise<boolean>, attempts = 100): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return true;
    await Bun.sleep(20);
  }
  return false;
}

export async function activeStreams(simulator: Simulator): Promise<number> {
  const health = await (await fetch(`${simulator.url}/__simulator/health`)).json();
  return health.activeStreams;
}
