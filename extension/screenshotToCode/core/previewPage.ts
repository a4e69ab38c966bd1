import * as path from 'node:path';

/**
 * Turns the generated page into one self-contained document for the preview: stylesheets
 * the page links from the generated files are inlined, scripts and anything else that
 * would load from elsewhere are dropped, and a CSP repeats that for whatever slipped through
 * (the page is model output, so it is treated as hostile).
 */

export interface PreviewPage {
  /** The document for the preview frame's srcdoc. */
  html: string;
  /** Scripts removed; the preview never runs them. */
  scriptsRemoved: number;
  /** Stylesheets the page links that are not among the generated files (CDNs, other folders). */
  missingStylesheets: string[];
}

/** Styles inline only, images and fonts from data: only, nothing else. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/**
 * `files` maps workspace paths to content; `markupPath` is the workspace path of the HTML.
 * Links are resolved relative to the markup's folder, as a browser would.
 */
export function buildPreviewPage(markup: string, markupPath: string, files: ReadonlyMap<string, string>): PreviewPage {
  const missingStylesheets: string[] = [];
  let scriptsRemoved = 0;
  const dir = path.posix.dirname(markupPath);

  let html = markup.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>|<script\b[^>]*\/>/gi, () => {
    scriptsRemoved++;
    return '';
  });
  // A script tag the model never closed would swallow the rest of the page; cut it out too.
  html = html.replace(/<script\b[^>]*>[\s\S]*$/i, () => {
    scriptsRemoved++;
    return '';
  });

  // CSP does not stop a meta refresh or a <base> from sending the frame elsewhere.
  html = html.replace(/<meta\b[^>]*http-equiv\s*=\s*["']?refresh[^>]*>|<base\b[^>]*>/gi, '');

  html = html.replace(/<link\b[^>]*>/gi, (tag) => {
    const attributes = readAttributes(tag);
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('stylesheet')) return '';
    const href = attributes.get('href') ?? '';
    const css = stylesheetFor(href, dir, files);
    if (css === undefined) {
      missingStylesheets.push(href);
      return '';
    }
    return `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`;
  });

  const meta = `<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">`;
  if (/<head\b[^>]*>/i.test(html)) html = html.replace(/<head\b[^>]*>/i, (head) => `${head}${meta}`);
  else if (/<html\b[^>]*>/i.test(html)) html = html.replace(/<html\b[^>]*>/i, (tag) => `${tag}<head>${meta}</head>`);
  else html = `${meta}${html}`;
  return { html, scriptsRemoved, missingStylesheets };
}

function stylesheetFor(href: string, dir: string, files: ReadonlyMap<string, string>): string | undefined {
  const bare = href.trim().replace(/[?#].*$/, '');
  if (bare === '' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(bare)) return undefined;
  let decoded = bare;
  try {
    decoded = decodeURIComponent(bare);
  } catch {
    // Not percent-encoded after all; use it as written.
  }
  const resolved = decoded.startsWith('/') ? decoded.slice(1) : path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, decoded));
  return files.get(resolved);
}

/** Attribute names (lower case) and values of one start tag; enough for rel and href. */
function readAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const body = tag.replace(/^<link\b/i, '').replace(/\/?>$/, '');
  for (const match of body.matchAll(pattern)) {
    attributes.set(match[1].toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}
