import { $ } from '../common/dom';
import { t } from '../common/i18n';
import { events, send } from './api';
import { messageElement } from './chat-messages';
import { presentTurn, type TurnPresentation, type TurnState } from './chat-states';
import { type ChatMessage, chat, saveChats, timeouts } from './chat-store';
import { renderChat } from './chat-view';
import { pageOf } from './manifest';
import { notify } from './notify';

/** One assistant turn: sent, streamed into its message, and ended in exactly one terminal state. */

/**
 * A turn's state shows once, on its message (the badge). Only a deferred send, which is about the
 * text still in the box rather than a turn, is a toast.
 */
function showPresentation(presentation: TurnPresentation): void {
  if (presentation.state === 'deferred') notify(presentation.toast, presentation.state);
}

/** A second submission while a reply runs is not sent: it waits in the box. */
export function deferred(): void {
  showPresentation(presentTurn('deferred', {}, t));
}

/** Edit: the user message before `message` goes back into the box, and the turn is removed. */
export function editFrom(message: ChatMessage): void {
  const current = chat.current;
  if (chat.turn || !current) return;
  const index = current.messages.indexOf(message);
  const userIndex = message.role === 'user' ? index : index - 1;
  const user = current.messages[userIndex];
  if (!user) return;
  $<HTMLTextAreaElement>('#chat-input').value = user.text;
  chat.attachment = user.image || null;
  current.messages.splice(userIndex);
  saveChats();
  renderChat();
  $('#chat-input').focus();
}

/** Retry and regenerate: the same turn again, through the same runTurn as send. */
export function again(message: ChatMessage): void {
  if (chat.turn) return deferred();
  const current = chat.current!;
  current.messages.splice(current.messages.indexOf(message));
  runTurn();
}

function requestMessages(): unknown[] {
  const messages: unknown[] = [];
  const system = $<HTMLTextAreaElement>('#chat-system').value.trim();
  if (system) messages.push({ role: 'system', content: system });
  for (const message of chat.current!.messages) {
    if (message.role === 'assistant' && message.state && message.state !== 'success') continue;
    messages.push({
      role: message.role,
      content: message.image
        ? [
            { type: 'text', text: message.text },
            { type: 'image_url', image_url: { url: message.image } },
          ]
        : message.text,
    });
  }
  return messages;
}

interface TurnRequest {
  messages: unknown[];
  stream: boolean;
  signal: AbortSignal;
  /** Called once something came back (stops the first-byte timer). */
  firstByte: () => void;
  redraw: () => void;
}

/** Sends the request and fills `reply` from the answer: an error, a bridge's 202, a JSON body or a stream. */
async function answer(reply: ChatMessage, { messages, stream, signal, firstByte, redraw }: TurnRequest) {
  const response = await send('/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: $<HTMLSelectElement>('#chat-model').value, messages, stream }),
    signal,
  });
  reply.detail = {
    bridge: response.headers.get('x-grok2api-chat-bridge') || undefined,
    trace: response.headers.get('x-grok2api-backend-trace-id') || undefined,
    status: response.status,
  };
  if (!response.ok) {
    firstByte();
    const body = await response.json().catch(() => null);
    reply.detail.error = body?.error?.message || `HTTP ${response.status}`;
    reply.detail.retryAfter = response.headers.get('retry-after') || undefined;
    reply.state = 'failed';
  } else if (response.status === 202) {
    firstByte();
    const body = await response.json();
    reply.text = body.message;
    reply.state = 'probe';
  } else if (!stream) {
    firstByte();
    const body = await response.json();
    const message = body.choices?.[0]?.message || {};
    reply.text = message.content || '';
    reply.reasoning = message.reasoning_content || '';
    reply.state = 'success';
  } else {
    for await (const chunk of events(response)) {
      const delta = chunk.choices?.[0]?.delta || {};
      if (delta.reasoning_content || delta.content) firstByte();
      if (delta.reasoning_content) reply.reasoning += delta.reasoning_content;
      if (delta.content) reply.text += delta.content;
      redraw();
    }
    reply.state = 'success';
  }
}

/** One assistant turn for the conversation as it stands; ends in exactly one terminal state. */
export async function runTurn(): Promise<void> {
  const current = chat.current!;
  const messages = requestMessages();
  const reply: ChatMessage = { role: 'assistant', text: '', reasoning: '', state: 'running', detail: {} };
  current.messages.push(reply);
  const limits = timeouts();
  const page = pageOf('chat');
  const stream = page ? page.stream : true;
  const mine = { controller: new AbortController(), reason: null as TurnState | null };
  chat.turn = mine;
  const expire = (reason: TurnState) => () => {
    mine.reason = reason;
    mine.controller.abort();
  };
  const firstByteTimer = setTimeout(expire('first-byte-timeout'), limits.firstByteMs);
  const totalTimer = setTimeout(expire('total-timeout'), limits.totalMs);
  $('#chat-stop').hidden = false;
  $<HTMLButtonElement>('#chat-send').disabled = true;
  renderChat();
  showPresentation(presentTurn('running', {}, t));
  let bubble = $('#chat-messages').lastElementChild!;
  const redraw = () => {
    const next = messageElement(reply, current.messages.indexOf(reply), true);
    bubble.replaceWith(next);
    bubble = next;
    $('#chat-messages').scrollTop = $('#chat-messages').scrollHeight;
  };
  try {
    const firstByte = () => clearTimeout(firstByteTimer);
    await answer(reply, { messages, stream, signal: mine.controller.signal, firstByte, redraw });
  } catch (error) {
    const detail = (reply.detail ??= {});
    if (error instanceof Error && error.name === 'AbortError' && mine.reason) reply.state = mine.reason;
    else {
      reply.state = 'failed';
      detail.error = error instanceof Error ? error.message : String(error);
    }
    if (reply.state === 'first-byte-timeout') detail.seconds = limits.firstByteMs / 1000;
    if (reply.state === 'total-timeout') detail.seconds = limits.totalMs / 1000;
  } finally {
    clearTimeout(firstByteTimer);
    clearTimeout(totalTimer);
    chat.turn = null;
    $('#chat-stop').hidden = true;
    $<HTMLButtonElement>('#chat-send').disabled = false;
    saveChats();
    renderChat();
    showPresentation(presentTurn(reply.state!, reply.detail ?? {}, t));
  }
}
