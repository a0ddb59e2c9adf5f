import type { TurnDetail, TurnState } from './chat-states';

/** The playground's conversations, kept in localStorage (the newest 50), and the turn that is running. */

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  image?: string | null;
  reasoning?: string;
  state?: TurnState;
  detail?: TurnDetail;
  feedback?: 'good' | null;
}

export interface Chat {
  id: string;
  title: string;
  messages: ChatMessage[];
}

const CHATS_STORE = 'grok2api.playground.chats';
const TIMEOUTS_STORE = 'grok2api.playground.timeouts';

export const chat = {
  chats: JSON.parse(localStorage.getItem(CHATS_STORE) || '[]') as Chat[],
  current: null as Chat | null,
  /** The image to send with the next message, as a data: URL. */
  attachment: null as string | null,
  /** The running turn; `reason` says why it was aborted (cancelled, a timeout). */
  turn: null as { controller: AbortController; reason: TurnState | null } | null,
};

export function saveChats(): void {
  localStorage.setItem(CHATS_STORE, JSON.stringify(chat.chats.slice(0, 50)));
}

/** Client-side limits; a test or an operator may override them in localStorage. */
export function timeouts(): { firstByteMs: number; totalMs: number } {
  const stored = JSON.parse(localStorage.getItem(TIMEOUTS_STORE) || '{}');
  return { firstByteMs: Number(stored.firstByteMs) || 30000, totalMs: Number(stored.totalMs) || 300000 };
}
