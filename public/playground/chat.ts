import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { registerView } from '../common/router';
import { readAsDataUrl } from './api';
import { chat, saveChats } from './chat-store';
import { again, deferred, editFrom, runTurn } from './chat-turn';
import { loadModels } from './chat-models';
import { newChat, renderChat } from './chat-view';
import { notify } from './notify';

/** #chat: the message box, the turn actions on each message, Stop, and the chat list. */

$('#chat-file').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  chat.attachment = file ? await readAsDataUrl(file) : null;
  $('#chat-attachment').textContent = file ? file.name : '';
});

$('#chat-input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $<HTMLFormElement>('#chat-form').requestSubmit();
  }
});
$('#new-chat').addEventListener('click', newChat);
$('#chat-stop').addEventListener('click', () => {
  if (!chat.turn) return;
  chat.turn.reason = 'cancelled';
  chat.turn.controller.abort();
});

$('#chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLTextAreaElement>('#chat-input');
  const text = input.value.trim();
  if (!text) return;
  // A second submission while a reply runs is not sent: it waits in the box.
  if (chat.turn) return deferred();
  if (!chat.current) newChat();
  const current = chat.current!;
  current.messages.push({ role: 'user', text, image: chat.attachment });
  if (current.messages.length === 1) current.title = text.slice(0, 40);
  input.value = '';
  chat.attachment = null;
  $<HTMLInputElement>('#chat-file').value = '';
  $('#chat-attachment').textContent = '';
  runTurn();
});

// The buttons under each answer (chat-messages.ts), answered here for the whole list.
$('#chat-messages').addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
  const element = button?.closest<HTMLElement>('.message');
  const message = element && chat.current?.messages[Number(element.dataset.index)];
  if (!button || !element || !message) return;
  switch (button.dataset.action) {
    case 'copy':
      navigator.clipboard.writeText(message.text).catch(() => {});
      return notify(t('copied'), 'copied');
    case 'edit':
      return editFrom(message);
    case 'feedback':
      message.feedback = message.feedback === 'good' ? null : 'good';
      button.setAttribute('aria-pressed', String(message.feedback === 'good'));
      return saveChats();
    case 'regenerate':
    case 'retry':
      return again(message);
    case 'details': {
      const box = element.querySelector<HTMLElement>('.turn-details')!;
      box.hidden = !box.hidden;
    }
  }
});

registerView('chat', {
  async show() {
    if (!chat.current) chat.current = chat.chats[0] || null;
    renderChat();
    try {
      await loadModels();
    } catch (error) {
      notify(messageOf(error));
    }
    $('#chat-input').focus();
  },
  relabel: renderChat,
});
