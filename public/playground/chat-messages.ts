import { t } from '../common/i18n';
import { icon } from '../common/icons';
import { notify } from './notify';
import { ACTIONS, type ActionName, presentTurn, type TurnPresentation } from './chat-states';
import type { ChatMessage } from './chat-store';
import { renderMarkdown } from './markdown';

/**
 * One chat message as an element. Its action buttons only carry `data-action`: chat.ts answers
 * them for the whole list, by the message's `data-index`.
 */

function actionButton(name: ActionName): HTMLButtonElement {
  const action = ACTIONS[name];
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `turn-action${action.emphasised ? ' primary emphasised' : ''}`;
  button.dataset.action = name;
  button.title = t(action.title);
  button.setAttribute('aria-label', t(action.title));
  button.append(icon(action.icon), t(action.label));
  return button;
}

function turnActions(message: ChatMessage, presentation: TurnPresentation, last: boolean): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'turn-actions';
  const names = [...presentation.actions];
  if (message.state === 'success' && last) names.push('regenerate');
  for (const name of names) {
    const button = actionButton(name);
    if (name === 'feedback') button.setAttribute('aria-pressed', String(message.feedback === 'good'));
    bar.append(button);
  }
  return bar;
}

/** Model output is untrusted: Markdown is rendered through DOMPurify (markdown.ts), never as raw HTML. */
function answerContent(message: ChatMessage): HTMLElement {
  const content = document.createElement('div');
  if (message.role !== 'assistant') {
    content.className = 'content plain';
    content.textContent = message.text || '';
    return content;
  }
  content.className = 'content markdown';
  content.append(renderMarkdown(message.text || ''));
  for (const block of content.querySelectorAll('pre')) {
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'code-copy small';
    copy.append(icon('copy'), t('actionCopy'));
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(block.querySelector('code')?.textContent || '').catch(() => {});
      notify(t('copied'), 'copied');
    });
    block.prepend(copy);
  }
  return content;
}

/** Reasoning stays open while the answer streams, then folds away (the reader can reopen it). */
function reasoningElement(message: ChatMessage): HTMLElement {
  const details = document.createElement('details');
  details.className = 'reasoning-box';
  details.open = message.state === 'running';
  const summary = document.createElement('summary');
  summary.textContent = message.state === 'running' && !message.text ? t('reasoningLive') : t('reasoning');
  const body = document.createElement('div');
  body.className = 'reasoning';
  body.textContent = message.reasoning ?? '';
  details.append(summary, body);
  return details;
}

export function messageElement(message: ChatMessage, index: number, last: boolean): HTMLElement {
  const element = document.createElement('div');
  element.className = `message ${message.role}`;
  element.dataset.index = String(index);
  if (message.reasoning) element.append(reasoningElement(message));
  element.append(answerContent(message));
  if (message.image) {
    const image = document.createElement('img');
    image.src = message.image;
    image.alt = t('attachment');
    element.append(image);
  }
  if (message.role === 'assistant' && message.state) {
    const presentation = presentTurn(message.state, message.detail || {}, t);
    element.dataset.state = presentation.state;
    element.dataset.tone = presentation.tone;
    // The one state indicator of the turn: label, and the reason when there is one.
    const badge = document.createElement('div');
    badge.className = 'turn-badge';
    badge.setAttribute('role', 'status');
    badge.textContent = presentation.state === 'probe' ? presentation.label : presentation.status;
    element.prepend(badge);
    if (presentation.terminal) {
      const details = document.createElement('pre');
      details.className = 'turn-details';
      details.hidden = true;
      details.textContent = JSON.stringify(message.detail || {}, null, 2);
      element.append(turnActions(message, presentation, last), details);
    }
  }
  return element;
}
