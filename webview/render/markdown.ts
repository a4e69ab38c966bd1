import { Lexer, type MarkedToken, type Token, type Tokens, type TokensList } from 'marked';
import { el } from '../dom';
import { createLink, decodeEntities, safeHref } from './links';

/**
 * Markdown from the model becomes DOM built element by element from the lexer's tokens.
 * No model text is ever parsed as HTML: raw HTML in a reply is shown as the text it is,
 * links carry no href (the host opens them), images are never loaded, and no style or
 * event attribute can be produced, so there is nothing for hostile output to hide in.
 */

export function lexMarkdown(source: string): TokensList {
  return new Lexer({ gfm: true, breaks: false }).lex(source);
}

/** Blocks that take no room of their own: blank lines and link reference definitions. */
export function isInvisible(token: Token): boolean {
  return token.type === 'space' || token.type === 'def';
}

/** Builds code blocks, which carry actions (see codeBlock.ts); plain by default. */
export type CodeRenderer = (token: Tokens.Code) => HTMLElement;

const plainCode: CodeRenderer = (token) => {
  const pre = el('pre', 'md-code-plain');
  pre.append(el('code', undefined, token.text));
  return pre;
};

/** Renders one block token. */
export function renderBlock(token: Token, code: CodeRenderer = plainCode): HTMLElement {
  const t = token as MarkedToken;
  switch (t.type) {
    case 'heading': {
      const depth = Math.min(6, Math.max(1, t.depth));
      const heading = el(`h${depth}` as 'h1', 'md-heading');
      renderInline(t.tokens, heading);
      return heading;
    }
    case 'paragraph': {
      const paragraph = el('p');
      renderInline(t.tokens, paragraph);
      return paragraph;
    }
    case 'blockquote': {
      const quote = el('blockquote');
      for (const child of t.tokens) if (!isInvisible(child)) quote.append(renderBlock(child, code));
      return quote;
    }
    case 'list':
      return renderList(t, code);
    case 'table':
      return renderTable(t);
    case 'hr':
      return el('hr');
    case 'html':
      // Raw HTML written by the model is shown, never interpreted.
      return el('p', 'md-raw-html', t.raw.replace(/\n+$/, ''));
    case 'code':
      return code(t);
    case 'text': {
      const span = el('p');
      renderInline(t.tokens ?? [t], span);
      return span;
    }
    default:
      return el('p', undefined, token.raw);
  }
}

function renderList(list: Tokens.List, code: CodeRenderer): HTMLElement {
  const node = list.ordered ? el('ol') : el('ul');
  if (list.ordered && typeof list.start === 'number' && list.start !== 1) (node as HTMLOListElement).start = list.start;
  if (list.items.some((item) => item.task)) node.classList.add('md-task-list');
  for (const item of list.items) {
    const li = el('li');
    if (item.task) {
      const box = el('input');
      box.type = 'checkbox';
      box.checked = item.checked === true;
      box.disabled = true;
      box.setAttribute('aria-label', item.checked ? 'done' : 'not done');
      li.append(box, ' ');
    }
    for (const child of item.tokens) {
      if (child.type === 'checkbox' || isInvisible(child)) continue;
      // Tight lists hold their text directly; loose ones hold paragraphs.
      if (child.type === 'text' && !list.loose) renderInline((child as Tokens.Text).tokens ?? [child], li);
      else li.append(renderBlock(child, code));
    }
    node.append(li);
  }
  return node;
}

function renderTable(table: Tokens.Table): HTMLElement {
  const wrap = el('div', 'md-table-wrap');
  const node = el('table');
  const head = el('thead');
  const headRow = el('tr');
  for (const cell of table.header) headRow.append(renderCell('th', cell));
  head.append(headRow);
  const body = el('tbody');
  for (const row of table.rows) {
    const tr = el('tr');
    for (const cell of row) tr.append(renderCell('td', cell));
    body.append(tr);
  }
  node.append(head, body);
  wrap.append(node);
  return wrap;
}

function renderCell(tag: 'th' | 'td', cell: Tokens.TableCell): HTMLElement {
  const node = el(tag);
  if (cell.align) node.classList.add(`align-${cell.align}`);
  renderInline(cell.tokens, node);
  return node;
}

/** Appends inline tokens to parent as text nodes and a fixed set of elements. */
export function renderInline(tokens: Token[], parent: HTMLElement): void {
  for (const token of tokens) {
    const t = token as MarkedToken;
    switch (t.type) {
      case 'text':
        if (t.tokens && t.tokens.length > 0) renderInline(t.tokens, parent);
        else parent.append(decodeEntities(t.text));
        break;
      case 'escape':
        parent.append(t.text);
        break;
      case 'strong':
      case 'em':
      case 'del': {
        const node = el(t.type === 'strong' ? 'strong' : t.type === 'em' ? 'em' : 'del');
        renderInline(t.tokens, node);
        parent.append(node);
        break;
      }
      case 'codespan':
        parent.append(el('code', 'md-inline-code', decodeEntities(t.text)));
        break;
      case 'br':
        parent.append(el('br'));
        break;
      case 'link': {
        const href = safeHref(t.href);
        const node = href ? createLink(href, t.title ?? undefined) : el('span', 'md-link-removed');
        if (!href) node.title = 'Link removed: only http, https, mailto and workspace paths open';
        if (t.autolink) node.append(t.text);
        else renderInline(t.tokens, node);
        parent.append(node);
        break;
      }
      case 'image': {
        // Images in replies are never loaded (privacy, and the CSP would block them anyway).
        const href = safeHref(t.href);
        const label = `[image: ${decodeEntities(t.text) || 'untitled'}]`;
        const node = href ? createLink(href, t.title ?? undefined) : el('span', 'md-link-removed');
        node.classList.add('md-image');
        node.textContent = label;
        parent.append(node);
        break;
      }
      case 'html':
        parent.append(t.raw);
        break;
      case 'checkbox':
        break;
      default:
        parent.append(token.raw);
    }
  }
}
