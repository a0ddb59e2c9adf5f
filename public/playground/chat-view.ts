import { $ } from '../common/dom';
import { t } from '../common/i18n';
import { messageElement } from './chat-messages';
import { chat } from './chat-store';

/** The chat list beside the conversation, and the conversation's messages. */

export function renderChat(): void {
  const list = $('#chat-list');
  list.replaceChildren();
  for (const each of chat.chats) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = each.title;
    button.setAttribute('aria-current', String(each === chat.current));
    button.addEventListener('click', () => {
      chat.current = each;
      renderChat();
    });
    item.append(button);
    list.append(item);
  }
  const box = $('#chat-messages');
  const messages = chat.current?.messages ?? [];
  box.replaceChildren(
    ...messages.map((message, index) => messageElement(message, index, index === messages.length - 1)),
  );
  box.scrollTop = box.scrollHeight;
}

export function newChat(): void {
  chat.current = { id: Date.now().toString(36), title: t('newChat'), messages: [] };
  chat.chats.unshift(chat.current);
  renderChat();
}
