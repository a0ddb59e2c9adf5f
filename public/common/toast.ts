import { $ } from './dom';

let timer: ReturnType<typeof setTimeout> | undefined;

/** A short message in the page's `#toast`; `state` lets the page style it (and tests read it). */
export function toast(message: string, options: { state?: string; durationMs?: number } = {}): void {
  const element = $('#toast');
  element.textContent = message;
  element.dataset.state = options.state ?? '';
  element.classList.add('visible');
  clearTimeout(timer);
  timer = setTimeout(() => element.classList.remove('visible'), options.durationMs ?? 2500);
}
