import { el } from '../dom';
import { iconButton } from '../icons';
import type { PostToHost } from '../vscodeApi';
import { highlightInto, languageForPath } from './highlight';

export interface FenceInfo {
  /** Highlight.js name or alias as written ("ts"), '' when none. */
  language: string;
  /** A file the block belongs to, when the fence names one. */
  pathHint?: string;
}

const looksLikePath = (word: string): boolean => /[\\/]/.test(word) || /^[\w@.-]+\.[A-Za-z0-9]{1,8}$/.test(word);
const cleanLanguage = (word: string): string => (/^[\w#+.-]{1,64}$/.test(word) ? word.toLowerCase() : '');

/**
 * Reads the fence info string the ways models write it: "ts", "ts src/app.ts",
 * "ts:src/app.ts", "src/app.ts", 'ts title="src/app.ts"'.
 */
export function parseFenceInfo(info: string): FenceInfo {
  const words = info.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { language: '' };
  let first = words[0] as string;
  let pathHint: string | undefined;
  const colon = /^([\w#+-]+):(.+)$/.exec(first);
  if (colon) {
    first = colon[1] as string;
    pathHint = colon[2];
  }
  if (!pathHint && looksLikePath(first) && !/^[\w#+-]+$/.test(first)) {
    return { language: languageForPath(first), pathHint: first };
  }
  for (const word of words.slice(1)) {
    if (pathHint) break;
    const attribute = /^(?:title|file|path|filename)=["']?([^"']+)["']?$/.exec(word);
    if (attribute) pathHint = attribute[1];
    else if (looksLikePath(word)) pathHint = word;
  }
  return pathHint ? { language: cleanLanguage(first), pathHint } : { language: cleanLanguage(first) };
}

export interface CodeBlock {
  readonly element: HTMLElement;
  /** Streaming: the block grows; highlighting waits until the fence is closed. */
  update(code: string, info: string, closed: boolean): void;
}

/**
 * A fenced code block with Copy (clipboard in the page), Insert at cursor and Apply to
 * file (both done by the host). While it streams it shows plain text; it is highlighted
 * once, when complete.
 */
export function createCodeBlock(post: PostToHost, code: string, info: string, closed: boolean): CodeBlock {
  const element = el('div', 'code-block');
  const head = el('div', 'code-head');
  const language = el('span', 'code-lang');
  const path = el('span', 'code-path');
  const actions = el('div', 'code-actions');
  const pre = el('pre');
  const body = el('code');
  pre.append(body);
  pre.tabIndex = 0;

  let current = { code, fence: parseFenceInfo(info), closed };
  let highlighted = false;

  const copy = iconButton('code-copy', 'copy', 'Copy code', () => {
    const done = (label: string): void => {
      copy.classList.add('copied');
      copy.setAttribute('aria-label', label);
      copy.title = label;
      window.setTimeout(() => {
        copy.classList.remove('copied');
        copy.setAttribute('aria-label', 'Copy code');
        copy.title = 'Copy code';
      }, 1500);
    };
    const clipboard = window.navigator.clipboard as Clipboard | undefined;
    const viaHost = (): void => {
      post('copy', { text: current.code });
      done('Copied');
    };
    if (!clipboard) return viaHost();
    clipboard.writeText(current.code).then(() => done('Copied'), viaHost);
  });
  const insert = iconButton('code-insert', 'insert', 'Insert at cursor', () => post('insertCode', { code: current.code, language: current.fence.language }));
  const apply = iconButton('code-apply', 'apply', 'Apply to file', () => {
    const { language: lang, pathHint } = current.fence;
    post('applyCode', pathHint ? { code: current.code, language: lang, pathHint } : { code: current.code, language: lang });
  });
  actions.append(copy, insert, apply);
  head.append(language, path, actions);
  element.append(head, pre);

  function render(): void {
    const { fence } = current;
    language.textContent = fence.language || 'text';
    path.textContent = fence.pathHint ?? '';
    path.hidden = !fence.pathHint;
    path.title = fence.pathHint ?? '';
    apply.title = fence.pathHint ? `Apply to ${fence.pathHint}` : 'Apply to file';
    apply.setAttribute('aria-label', apply.title);
    body.className = fence.language ? `language-${fence.language}` : '';
    if (current.closed) {
      highlightInto(body, current.code, fence.language);
      highlighted = true;
    } else if (highlighted || body.firstChild?.nodeType !== 3) {
      body.textContent = current.code;
      highlighted = false;
    } else {
      // Plain text while streaming: one text node, updated in place.
      (body.firstChild as Text).data = current.code;
    }
    element.classList.toggle('streaming', !current.closed);
  }

  render();
  return {
    element,
    update(nextCode, nextInfo, nextClosed) {
      if (nextCode === current.code && nextClosed === current.closed && parseFenceInfo(nextInfo).language === current.fence.language) return;
      current = { code: nextCode, fence: parseFenceInfo(nextInfo), closed: nextClosed };
      render();
    },
  };
}
