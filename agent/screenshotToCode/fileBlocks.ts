import type { TargetPlan } from './targets';

/**
 * The file format the model is asked to write, and a lenient reader for what it writes.
 * Each file is one fenced block whose opening line names the language and the path:
 *
 *     ```html path=index.html
 *     <!doctype html>...
 *     ```
 *
 * A 12B model drifts from any format now and then, so the reader also takes the path from
 * a heading or a comment, from the language alone when the target expects one file of
 * that kind, and a bare HTML document with no fences at all. Paths are untrusted: absolute
 * paths and `..` are refused, never written.
 */

export interface GeneratedFile {
  /** Workspace-relative, forward slashes, no `.` or `..` segments. */
  path: string;
  /** The whole file, ending with one newline. */
  content: string;
}

export interface RefusedFile {
  path: string;
  reason: string;
}

export interface ParsedReply {
  /** In order of first appearance; a path named twice keeps its last content. */
  files: GeneratedFile[];
  refused: RefusedFile[];
  /** The last block had no closing fence: the reply was probably cut off (max tokens). */
  truncated: boolean;
}

/** Which path a block gets when it only names its language. */
export interface DefaultPaths {
  html?: string;
  css?: string;
  /** JSX/TSX/JS/TS. */
  script?: string;
}

export interface ParseOptions {
  defaultPaths?: DefaultPaths;
}

type FileKind = keyof DefaultPaths;

const LANGUAGE_KINDS: Record<string, FileKind> = {
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  css: 'css',
  jsx: 'script',
  tsx: 'script',
  js: 'script',
  ts: 'script',
  javascript: 'script',
  typescript: 'script',
};

const EXTENSION_LANGUAGES: Record<string, string> = {
  html: 'html',
  htm: 'html',
  css: 'css',
  jsx: 'jsx',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  ts: 'ts',
  json: 'json',
  svg: 'svg',
};

/** The paths a plan's files fall back to when the model names only a language. */
export function defaultPathsFor(plan: TargetPlan): DefaultPaths {
  return plan.target === 'react'
    ? { script: plan.markupPath, css: plan.stylePath }
    : { html: plan.markupPath, css: plan.stylePath };
}

/** Writes files in the format the model is asked to use; parseGeneratedFiles reads it back unchanged. */
export function formatFileBlocks(files: readonly GeneratedFile[]): string {
  return files
    .map((file) => {
      const body = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
      // A fence longer than any backtick run inside keeps embedded fences from closing the block.
      const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(Math.max(3, longestRun + 1));
      const language = EXTENSION_LANGUAGES[extensionOf(file.path)] ?? '';
      const path = /[\s"']/.test(file.path) ? `"${file.path}"` : file.path;
      return `${fence}${language} path=${path}\n${body}${fence}`;
    })
    .join('\n\n');
}

/** The files in a model reply (see the module comment); refused paths are left out. */
export function parseGeneratedFiles(text: string, options: ParseOptions = {}): GeneratedFile[] {
  return parseGeneratedReply(text, options).files;
}

/** Like parseGeneratedFiles, and also says which paths were refused and whether the reply was cut off. */
export function parseGeneratedReply(text: string, options: ParseOptions = {}): ParsedReply {
  const defaults = options.defaultPaths ?? {};
  const byPath = new Map<string, string>();
  const refused: RefusedFile[] = [];
  const blocks = readFencedBlocks(text);

  const accept = (rawPath: string, content: string): void => {
    const checked = checkPath(rawPath);
    if ('reason' in checked) {
      refused.push(checked);
      return;
    }
    // Deleting first would move the file to the end; a later duplicate only replaces the content.
    byPath.set(checked.path, content);
  };

  for (const block of blocks) {
    let body = block.body;
    let path = pathFromInfo(block.info);
    if (path === undefined) {
      const fromComment = pathFromFirstLineComment(body);
      if (fromComment) {
        path = fromComment.path;
        body = fromComment.rest;
      }
    }
    path ??= block.headerPath;
    if (path === undefined) {
      const kind = LANGUAGE_KINDS[languageOf(block.info)] ?? (looksLikeHtmlDocument(body) ? 'html' : undefined);
      if (kind) path = defaults[kind];
    }
    // A block with no path and no default is an example in prose, not a file.
    if (path !== undefined) accept(path, withFinalNewline(body));
  }

  if (blocks.length === 0 && defaults.html) {
    const page = bareHtmlDocument(text);
    if (page) accept(defaults.html, withFinalNewline(page));
  }

  return {
    files: [...byPath].map(([path, content]) => ({ path, content })),
    refused,
    truncated: blocks.length > 0 && blocks[blocks.length - 1].unclosed,
  };
}

// ---------- fences ----------

interface FencedBlock {
  info: string;
  body: string;
  /** A path named on the line just before the opening fence (a heading, "File: x"). */
  headerPath: string | undefined;
  unclosed: boolean;
}

const OPENING_FENCE = /^ {0,3}(`{3,}|~{3,})\s*(.*?)\s*$/;

function readFencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  let headerPath: string | undefined;
  let i = 0;
  while (i < lines.length) {
    const open = OPENING_FENCE.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() !== '') headerPath = pathFromHeaderLine(lines[i]);
      i++;
      continue;
    }
    const fence = open[1];
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let unclosed = true;
    i++;
    while (i < lines.length) {
      if (closing.test(lines[i])) {
        unclosed = false;
        i++;
        break;
      }
      // The model forgot to close a file and went on with the next one: start the next block here.
      const next = OPENING_FENCE.exec(lines[i]);
      if (next && pathFromInfo(next[2]) !== undefined) {
        unclosed = false;
        break;
      }
      body.push(lines[i]);
      i++;
    }
    blocks.push({ info: open[2], body: body.join('\n'), headerPath, unclosed });
    headerPath = undefined;
  }
  return blocks;
}

/** `html path=index.html`, `css file="a b.css"`, `html:index.html`, or a bare `index.html`. */
function pathFromInfo(info: string): string | undefined {
  const attribute = /(?:^|\s)(?:path|file|filename|name|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))/i.exec(info);
  if (attribute) return attribute[1] ?? attribute[2] ?? attribute[3];
  for (const token of info.split(/\s+/)) {
    const colon = /^[A-Za-z]+:(.+)$/.exec(token);
    const candidate = colon && !colon[1].startsWith('//') ? colon[1] : token;
    if (looksLikePath(candidate)) return candidate;
  }
  return undefined;
}

function languageOf(info: string): string {
  const first = info.split(/[\s:{]/)[0] ?? '';
  return first.toLowerCase();
}

/** `<!-- index.html -->`, `/* styles.css *\/`, `// src/App.tsx` as the first line, optionally "File: ". */
function pathFromFirstLineComment(body: string): { path: string; rest: string } | undefined {
  const newline = body.indexOf('\n');
  const first = (newline < 0 ? body : body.slice(0, newline)).trim();
  const comment = /^(?:<!--\s*(.*?)\s*-->|\/\*\s*(.*?)\s*\*\/|\/\/\s*(.*?)\s*)$/.exec(first);
  if (!comment) return undefined;
  const inner = (comment[1] ?? comment[2] ?? comment[3] ?? '').replace(/^(?:file(?:name)?|path)\s*:\s*/i, '');
  if (!looksLikePath(inner)) return undefined;
  return { path: inner, rest: newline < 0 ? '' : body.slice(newline + 1) };
}

/** `**index.html**`, `### styles.css`, `File: src/App.tsx`, "Here is the new `index.html`:". */
function pathFromHeaderLine(line: string): string | undefined {
  const bare = line
    .trim()
    .replace(/^#{1,6}\s*/, '')
    .replace(/^[-*]\s+/, '')
    .replace(/[*_`]/g, '')
    .replace(/:\s*$/, '')
    .replace(/^(?:file(?:name)?|path)\s*:\s*/i, '')
    .trim();
  if (looksLikePath(bare)) return bare;
  // A sentence introducing the block names the file last: "Here is the updated `styles.css`:".
  if (!line.trim().endsWith(':')) return undefined;
  const last = line.trim().slice(0, -1).trim().split(/\s+/).pop() ?? '';
  const inner = last.replace(/^[*_`"']+|[*_`"']+$/g, '');
  return looksLikePath(inner) ? inner : undefined;
}

/** A single token with a known file extension, e.g. `index.html`, `src/App.tsx`. */
function looksLikePath(text: string): boolean {
  return /^[^\s`*<>|]+\.[A-Za-z0-9]{1,5}$/.test(text) && extensionOf(text) in EXTENSION_LANGUAGES;
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
}

// ---------- unfenced replies ----------

function looksLikeHtmlDocument(text: string): boolean {
  return /^\s*(?:<!doctype html|<html[\s>])/i.test(text);
}

/** The `<!doctype html>...</html>` (or `<html>...</html>`) span of a reply that used no fences. */
function bareHtmlDocument(text: string): string | undefined {
  const start = text.search(/<!doctype html|<html[\s>]/i);
  if (start < 0) return undefined;
  const end = text.toLowerCase().lastIndexOf('</html>');
  return end < start ? text.slice(start).trimEnd() : text.slice(start, end + '</html>'.length);
}

function withFinalNewline(body: string): string {
  const trimmed = body.replace(/\n+$/, '');
  return trimmed === '' ? '' : `${trimmed}\n`;
}

// ---------- path safety ----------

/** Normalises a path the model wrote, or says why it may not be written. */
function checkPath(raw: string): { path: string } | RefusedFile {
  const path = raw
    .trim()
    .replace(/^["'`]|["'`]$/g, '')
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/{2,}/g, '/');
  if (path === '' || path.endsWith('/')) return { path: raw, reason: 'it names no file' };
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path) || path.includes('://')) {
    return { path: raw, reason: 'it is absolute; only paths inside the workspace are written' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(path)) return { path: raw, reason: 'it contains control characters' };
  const segments = path.split('/');
  if (segments.includes('..')) return { path: raw, reason: "it leads outside the workspace with '..'" };
  return { path: segments.filter((s) => s !== '.').join('/') };
}
