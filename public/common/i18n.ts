import { EN, type StringKey } from './strings-en';
import { ZH } from './strings-zh';

/** Console and playground strings: `t(key)` answers in the chosen language (saved in localStorage). */

export type { StringKey };
export type Language = 'en' | 'zh';
export type Translate = (key: StringKey, values?: Record<string, unknown>) => string;

const LANGUAGE_STORE = 'grok2api.language';
const STRINGS: Record<Language, Record<StringKey, string>> = { en: EN, zh: ZH };
let current: Language = localStorage.getItem(LANGUAGE_STORE) === 'zh' ? 'zh' : 'en';

export const language = (): Language => current;

/** Whether `key` (made at run time, e.g. from a section name) has a string. */
export const hasText = (key: string): key is StringKey => Object.hasOwn(EN, key);

/** The string in the chosen language, `{name}` placeholders filled from `values`. */
export const t: Translate = (key, values) => {
  let text = STRINGS[current][key] || EN[key] || key;
  for (const [name, value] of Object.entries(values ?? {})) text = text.split(`{${name}}`).join(String(value));
  return text;
};

/** Sets an element's text; an icon before it (icons.ts) stays. */
export function setText(element: Element, text: string): void {
  const icon = element.querySelector(':scope > svg.icon');
  if (icon) element.replaceChildren(icon, text);
  else element.textContent = text;
}

/** Fills every `data-i18n` text and `data-i18n-placeholder` under `root`; the language buttons name the other one. */
export function apply(root: ParentNode = document): void {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]'))
    setText(element, hasText(element.dataset.i18n!) ? t(element.dataset.i18n) : element.dataset.i18n!);
  for (const element of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    const key = element.dataset.i18nPlaceholder!;
    element.placeholder = hasText(key) ? t(key) : key;
  }
  for (const button of document.querySelectorAll('.lang-toggle'))
    setText(button, current === 'zh' ? 'English' : '中文');
}

export function toggle(): void {
  current = current === 'zh' ? 'en' : 'zh';
  localStorage.setItem(LANGUAGE_STORE, current);
  apply();
}

/** The language buttons switch the language, then `redraw` draws what apply() cannot reach. */
export function wireLanguageButtons(redraw: () => void): void {
  for (const button of document.querySelectorAll('.lang-toggle'))
    button.addEventListener('click', () => {
      toggle();
      redraw();
    });
}
