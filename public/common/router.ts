import { $ } from './dom';

/**
 * The pages of one screen (#accounts, #keys, … or #chat, #imagine, …): each module registers its
 * own; the address's hash picks the one shown and its link in the top bar is marked.
 */
export interface View {
  show(): void;
  /** Draws its texts again after the language changed. */
  relabel?(): void;
  /** False keeps the reader on the page (unsaved edits). */
  canLeave?(): boolean;
}

const views: Record<string, View> = {};
let fallback = '';
let currentView: string | null = null;

export function registerView(name: string, view: View): void {
  views[name] = view;
}

/** Shows the page the address names (the fallback when it names none) and marks its link. */
export function route(): void {
  const wanted = location.hash.slice(1);
  const name = Object.hasOwn(views, wanted) ? wanted : fallback;
  currentView = name;
  for (const section of document.querySelectorAll<HTMLElement>('main > section.view'))
    section.hidden = section.id !== `${name}-view`;
  for (const link of document.querySelectorAll('.topbar nav a')) {
    if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  views[name]!.show();
}

export function relabelAll(): void {
  for (const view of Object.values(views)) view.relabel?.();
}

/** Follows the hash while the screen `appSelector` is shown; `defaultView` when the hash names no page. */
export function followHash(appSelector: string, defaultView: string): void {
  fallback = defaultView;
  window.addEventListener('hashchange', () => {
    if ($(appSelector).hidden) return;
    // A view with unsaved edits (config) may keep the reader: the address goes back, nothing changes.
    const leaving = currentView ? views[currentView] : undefined;
    if (leaving?.canLeave && location.hash !== `#${currentView}` && !leaving.canLeave()) {
      history.replaceState(null, '', `#${currentView}`);
      return;
    }
    route();
  });
}
