import {
  Ban,
  BookOpen,
  Clapperboard,
  Copy,
  createElement,
  Download,
  FlaskConical,
  Image,
  Images,
  Info,
  KeyRound,
  Languages,
  LayoutDashboard,
  LogOut,
  MessageSquare,
  Mic,
  Paperclip,
  Pencil,
  Phone,
  PhoneOff,
  Play,
  Plus,
  RefreshCw,
  RotateCcw,
  Save,
  Send,
  Settings,
  Sparkles,
  Square,
  ThumbsUp,
  Trash2,
  Upload,
  Users,
} from 'lucide';

/**
 * The pages' icons: Lucide's (ISC), bundled from npm with the page's script, drawn as inline SVG
 * in the text colour. An element with `data-icon="name"` gets its icon before its text, and the
 * language switch keeps it (i18n.ts setText).
 */
const ICONS = {
  dashboard: LayoutDashboard,
  accounts: Users,
  keys: KeyRound,
  config: Settings,
  media: Images,
  playground: FlaskConical,
  docs: BookOpen,
  chat: MessageSquare,
  imagine: Image,
  video: Clapperboard,
  voice: Mic,
  language: Languages,
  'sign-out': LogOut,
  add: Plus,
  import: Upload,
  run: Play,
  refresh: RefreshCw,
  enable: Play,
  disable: Ban,
  edit: Pencil,
  remove: Trash2,
  copy: Copy,
  save: Save,
  send: Send,
  stop: Square,
  attach: Paperclip,
  generate: Sparkles,
  download: Download,
  call: Phone,
  'hang-up': PhoneOff,
  feedback: ThumbsUp,
  retry: RotateCcw,
  details: Info,
} as const;

export type IconName = keyof typeof ICONS;

export const isIconName = (name: string): name is IconName => Object.hasOwn(ICONS, name);

/** One icon, hidden from screen readers (the element's text names the action). */
export function icon(name: IconName): SVGElement {
  const svg = createElement(ICONS[name], { 'aria-hidden': 'true', focusable: 'false', class: 'icon' });
  svg.dataset.icon = name;
  return svg;
}

/** Gives every `[data-icon]` element under `root` its icon, once. */
export function applyIcons(root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-icon]')) {
    const name = element.dataset.icon!;
    if (isIconName(name) && !element.querySelector(':scope > svg.icon')) element.prepend(icon(name));
  }
}
