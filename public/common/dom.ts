import { type IconName, icon } from './icons';

/** The one element `selector` names; a page without it is a broken page, so that throws. */
export function $<T extends Element = HTMLElement>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`the page has no ${selector}`);
  return element;
}

/** A `<button type=button>` with its text, click handler, classes and icon. */
export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  className?: string,
  iconName?: IconName,
): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  if (iconName) element.prepend(icon(iconName));
  if (className) element.className = className;
  element.addEventListener('click', onClick);
  return element;
}

/** A message's text for the reader: an Error's message, anything else as text. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
