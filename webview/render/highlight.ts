import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

/*
 * The languages a coding agent shows most; the rest stay plain text, which keeps the page
 * small. highlight.js core ships none by itself.
 */
const languages = { bash, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, makefile, markdown, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
// C reads well enough with the C++ grammar, and saves a second large grammar.
hljs.registerAliases(['c', 'h'], { languageName: 'cpp' });
hljs.registerAliases(['toml'], { languageName: 'ini' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['vue', 'svelte'], { languageName: 'xml' });

/** Beyond this, highlighting costs more than it helps; the code shows plain. */
const MAX_HIGHLIGHT = 100_000;

const extensions: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', json: 'json', sh: 'bash', bash: 'bash', zsh: 'bash', css: 'css', scss: 'css', html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml',
  md: 'markdown', yml: 'yaml', yaml: 'yaml', go: 'go', rs: 'rust', java: 'java', c: 'cpp', h: 'cpp', cc: 'cpp', cpp: 'cpp', hpp: 'cpp',
  cs: 'csharp', sql: 'sql', toml: 'ini', ini: 'ini', diff: 'diff', patch: 'diff',
};

/** The language a file name suggests ("src/app.ts" → typescript), or ''. */
export function languageForPath(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? '';
  if (/^dockerfile$/i.test(base)) return 'dockerfile';
  if (/^makefile$/i.test(base)) return 'makefile';
  const ext = /\.([A-Za-z0-9]+)$/.exec(base)?.[1]?.toLowerCase();
  return ext ? (extensions[ext] ?? '') : '';
}

export function isKnownLanguage(language: string): boolean {
  return language !== '' && hljs.getLanguage(language) !== undefined;
}

/**
 * Fills target with the highlighted code. highlight.js returns HTML; instead of handing
 * that to innerHTML, only its two shapes are accepted (`<span class="…">` and `</span>`
 * around escaped text) and turned into elements, so a grammar bug cannot inject markup.
 */
export function highlightInto(target: HTMLElement, code: string, language: string): void {
  target.replaceChildren();
  if (!isKnownLanguage(language) || code.length > MAX_HIGHLIGHT) {
    target.textContent = code;
    return;
  }
  let html: string;
  try {
    html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    target.textContent = code;
    return;
  }
  appendHighlighted(target, html);
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" };
const unescape = (text: string): string => text.replace(/&(amp|lt|gt|quot|#x27);/g, (entity) => entities[entity] ?? entity);

/** Exported for tests: turns highlight.js output into spans and text, accepting nothing else. */
export function appendHighlighted(target: HTMLElement, html: string): void {
  const stack: HTMLElement[] = [target];
  const pattern = /<span class="([\w -]{1,80})">|<\/span>|([^<]+)|</g;
  for (const match of html.matchAll(pattern)) {
    const top = stack[stack.length - 1] as HTMLElement;
    if (match[1] !== undefined) {
      const span = document.createElement('span');
      span.className = match[1];
      top.append(span);
      stack.push(span);
    } else if (match[0] === '</span>') {
      if (stack.length > 1) stack.pop();
    } else {
      top.append(unescape(match[2] ?? match[0]));
    }
  }
}
