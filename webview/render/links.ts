import type { PostToHost } from '../vscodeApi';

const allowedSchemes = new Set(['http:', 'https:', 'mailto:']);

let entityDocument: Document | undefined;

/**
 * Resolves HTML character references ("&amp;", "&#115;") the way a browser would. Named
 * references go through a textarea of an inert document: its content is RCDATA, and the
 * input is a bare "&name;", so no element can ever be created from it.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    entityDocument ??= document.implementation.createHTMLDocument('');
    const box = entityDocument.createElement('textarea');
    box.innerHTML = whole;
    return box.value;
  });
}

/**
 * The address a link may open, or undefined. Only http, https and mailto leave the page,
 * plus scheme-less paths the host can resolve in the workspace. Browsers ignore tabs,
 * newlines and control characters inside a scheme ("java\tscript:"), so the check does too.
 */
export function safeHref(raw: string): string | undefined {
  const href = decodeEntities(raw).trim();
  if (!href) return undefined;
  // eslint-disable-next-line no-control-regex
  const squeezed = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squeezed);
  if (scheme) return allowedSchemes.has(scheme[0].toLowerCase()) ? href : undefined;
  // Protocol-relative addresses would reach another host; fragments have nothing to open.
  if (/^[\\/]{2}/.test(squeezed) || squeezed.startsWith('#')) return undefined;
  return href;
}

/**
 * A link that never navigates the page: no href at all, only the checked address, which
 * the host opens when the link is activated (see routeLinks).
 */
export function createLink(href: string, title?: string): HTMLElement {
  const link = document.createElement('a');
  link.className = 'md-link';
  link.dataset.href = href;
  link.setAttribute('role', 'link');
  link.tabIndex = 0;
  link.title = title ? `${title}\n${href}` : href;
  return link;
}

/** One listener for every link under root: click or Enter asks the host to open it. */
export function routeLinks(root: HTMLElement, post: PostToHost): void {
  const open = (event: Event): void => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-href]') : null;
    const href = target?.dataset.href;
    if (!target || !href || !root.contains(target)) return;
    event.preventDefault();
    post('openLink', { href });
  };
  root.addEventListener('click', open);
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') open(event);
  });
}
