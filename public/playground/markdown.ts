// Model answers as Markdown: marked parses, highlight.js colours code blocks, DOMPurify removes
// anything that could run (model output is untrusted). Bundled by Bun into the playground's one
// script (src/http/browser-bundle.ts) so the page loads no third-party file from anywhere.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked } from 'marked';

const LANGUAGES = { bash, css, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML in an answer is shown as text, never parsed: the page has nothing to run or to load.
    html({ text }) {
      return escapeHtml(text);
    },
    code({ text, lang }) {
      const name = (lang || '').trim().split(/\s+/)[0]!.toLowerCase();
      const known = name && hljs.getLanguage(name);
      const body = known ? hljs.highlight(text, { language: name, ignoreIllegals: true }).value : escapeHtml(text);
      const label = known ? ` data-language="${escapeHtml(name)}"` : '';
      return `<pre${label}><code class="hljs${known ? ` language-${escapeHtml(name)}` : ''}">${body}</code></pre>\n`;
    },
  },
});

// DOMPurify stays behind marked as the second fence: links and images may only point at the web,
// mail, or this gateway's own files; never javascript:.
const SAFE_URL = /^(?:https?:|mailto:|\/(?!\/)|#)/i;
const SAFE_IMAGE = /^(?:https?:|\/(?!\/)|data:image\/(?:png|jpe?g|gif|webp);base64,)/i;

const purifier = DOMPurify(window);
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') || '';
    if (!SAFE_URL.test(href.trim())) node.removeAttribute('href');
    else if (!href.startsWith('#')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  }
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') || '';
    if (!SAFE_IMAGE.test(src.trim())) node.removeAttribute('src');
    node.setAttribute('loading', 'lazy');
  }
});

const PURIFY_OPTIONS = {
  RETURN_DOM_FRAGMENT: true as const,
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
  ADD_ATTR: ['target'],
};

/** Markdown text → a sanitised DocumentFragment, ready to append. */
export function renderMarkdown(text: string): DocumentFragment {
  return purifier.sanitize(marked.parse(text || '', { async: false }).trim(), PURIFY_OPTIONS);
}
