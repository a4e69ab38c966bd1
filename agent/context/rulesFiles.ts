import picomatch from 'picomatch';
import type { Workspace } from '../workspace/workspace';

/**
 * Finding and reading the files where projects keep instructions for coding agents. The
 * workspace root may hold any of them; a sub-folder may hold the ones that are meant to
 * nest (AGENTS.md, CLAUDE.md, GEMINI.md and a .cursor/rules folder), which apply to the
 * files below it. Everything goes through the Workspace, so the extension (unsaved editor
 * text included) and the headless runner read them the same way.
 */

/** When a rules file applies, from its frontmatter (Cursor's .mdc rules; plain files always apply). */
export type RulesWhen =
  | { kind: 'always' }
  /** Only for files matching one of the globs (relative to the folder the rules belong to). */
  | { kind: 'globs'; globs: string[] }
  /** Cursor's "agent requested" rule: listed by its description for the model to read when it fits. */
  | { kind: 'described'; description: string };

export interface RulesSource {
  /** Workspace-relative path of the file. */
  path: string;
  /** The folder it governs, workspace-relative ('' for the root). */
  folder: string;
  /** Its text, frontmatter removed. */
  text: string;
  when: RulesWhen;
}

/** Files read in every folder, in this order (the first is the common standard). */
const NESTED_FILES = ['AGENTS.md', 'CLAUDE.md', 'GEMINI.md'];
/** Files only the workspace root has. */
const ROOT_ONLY_FILES = ['.github/copilot-instructions.md'];
/** A file, or a folder of rule files (Cline); root only. */
const CLINE_RULES = '.clinerules';
/** A folder of .mdc/.md rules (Cursor), in the root or any folder. */
const CURSOR_RULES = '.cursor/rules';

/** A rules file larger than this is not read: it is not a note for an agent, and would not fit anyway. */
export const MAX_RULES_FILE_BYTES = 128 * 1024;
/** How deep .cursor/rules and .clinerules folders are read. */
const MAX_RULES_DEPTH = 3;

/** Folders whose files belong to someone else (dependencies, git's own), so their rules are not the project's. */
const FOREIGN_FOLDERS = new Set(['.git', 'node_modules']);

export interface FolderRules {
  sources: RulesSource[];
  /** Rules files found but not read (too large): the model is told they exist. */
  tooLarge: string[];
}

/**
 * The rules files of one folder ('' for the root, which also has the root-only ones), in a
 * fixed order. `asRoot`: the folder is a root of its own (a folder of a workspace with several),
 * so it has the root-only files too.
 */
export async function readFolderRules(workspace: Workspace, folder: string, asRoot = folder === ''): Promise<FolderRules> {
  const out: FolderRules = { sources: [], tooLarge: [] };
  if (folder.split('/').some((part) => FOREIGN_FOLDERS.has(part))) return out;
  const join = (name: string): string => (folder === '' ? name : `${folder}/${name}`);
  const names = asRoot ? [...NESTED_FILES, ...ROOT_ONLY_FILES] : NESTED_FILES;
  for (const name of names) await readOne(workspace, join(name), folder, false, out);
  if (asRoot) {
    const cline = await statOf(workspace, join(CLINE_RULES));
    if (cline?.type === 'file') await readOne(workspace, join(CLINE_RULES), folder, true, out);
    else if (cline?.type === 'directory') for (const file of await listRulesFiles(workspace, join(CLINE_RULES), ['.md', '.txt'])) await readOne(workspace, file, folder, true, out);
  }
  const cursor = join(CURSOR_RULES);
  if ((await statOf(workspace, cursor))?.type === 'directory') {
    for (const file of await listRulesFiles(workspace, cursor, ['.mdc', '.md'])) await readOne(workspace, file, folder, true, out);
  }
  return out;
}

async function readOne(workspace: Workspace, path: string, folder: string, frontmatter: boolean, out: FolderRules): Promise<void> {
  const info = await statOf(workspace, path);
  if (!info || info.type === 'directory') return;
  if (info.size > MAX_RULES_FILE_BYTES) {
    out.tooLarge.push(path);
    return;
  }
  let raw: string;
  try {
    raw = await workspace.readFile(path);
  } catch {
    // Unreadable, binary, or leading out of the workspace through a symlink: not rules we can use.
    return;
  }
  const { body, fields } = splitFrontmatter(raw);
  const text = body.trim();
  const when = frontmatter ? whenFrom(fields) : { kind: 'always' as const };
  if (!when || (text === '' && when.kind !== 'described')) return;
  out.sources.push({ path, folder, text, when });
}

async function statOf(workspace: Workspace, path: string): Promise<Awaited<ReturnType<Workspace['stat']>>> {
  try {
    return await workspace.stat(path);
  } catch {
    return undefined;
  }
}

/** Files below `dir` with one of the extensions, sorted by path, a few folders deep. */
async function listRulesFiles(workspace: Workspace, dir: string, extensions: string[], depth = 1): Promise<string[]> {
  let entries;
  try {
    entries = await workspace.listDir(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = `${dir}/${entry.name}`;
    if (entry.type === 'directory') {
      if (depth < MAX_RULES_DEPTH) files.push(...(await listRulesFiles(workspace, path, extensions, depth + 1)));
    } else if ((entry.type === 'file' || entry.type === 'symlink') && extensions.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
      files.push(path);
    }
  }
  return files;
}

export type FrontmatterValue = string | string[];

/**
 * Splits off a leading `---` block and reads its simple `key: value` lines: a value may be
 * a plain or quoted string, a `[a, b]` list, or `- item` lines under an empty key. Enough for
 * the fields rules files use (description, globs, alwaysApply); anything else is ignored.
 */
export function splitFrontmatter(text: string): { body: string; fields: Map<string, FrontmatterValue> } {
  const fields = new Map<string, FrontmatterValue>();
  const match = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { body: text.replace(/^\uFEFF/, ''), fields };
  let listKey: string | undefined;
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const item = /^\s+-\s*(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey !== undefined) {
      const list = fields.get(listKey);
      if (Array.isArray(list)) list.push(unquote(item[1] ?? ''));
      continue;
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = pair[1] ?? '';
    const value = (pair[2] ?? '').trim();
    listKey = undefined;
    if (value === '') {
      fields.set(key, []);
      listKey = key;
    } else if (value.startsWith('[') && value.endsWith(']')) {
      fields.set(key, splitList(value.slice(1, -1)));
    } else {
      fields.set(key, unquote(value));
    }
  }
  return { body: text.slice(match[0].length), fields };
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) ? v.slice(1, -1) : v;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map(unquote)
    .filter((part) => part !== '');
}

/**
 * Cursor's rule types, simply: `alwaysApply: true` or no rule fields at all always applies;
 * `globs` (or Cline's `paths`) applies to matching files; a `description` alone is listed for
 * the model to read when it fits; a rule with none of these is manual and left out (undefined).
 */
function whenFrom(fields: Map<string, FrontmatterValue>): RulesWhen | undefined {
  const always = fields.get('alwaysApply');
  if (typeof always === 'string' && always.toLowerCase() === 'true') return { kind: 'always' };
  const globsField = fields.get('globs') ?? fields.get('paths');
  const globs = (Array.isArray(globsField) ? globsField : typeof globsField === 'string' ? splitList(globsField) : []).filter((g) => g !== '');
  if (globs.length > 0) return { kind: 'globs', globs };
  const description = fields.get('description');
  if (typeof description === 'string' && description.trim() !== '') return { kind: 'described', description: description.trim() };
  return fields.has('alwaysApply') || fields.has('globs') || fields.has('description') ? undefined : { kind: 'always' };
}

/**
 * Whether a rule applies to a workspace-relative path: 'always' to its folder and anything in it,
 * 'globs' to paths in its folder that match, relative to that folder (a glob without '/'
 * matches at any depth, as the model and Cursor mean it); 'described' never by itself.
 */
export function appliesTo(source: RulesSource, path: string): boolean {
  const inside = source.folder === '' || path === source.folder ? path.slice(source.folder.length) : path.startsWith(`${source.folder}/`) ? path.slice(source.folder.length + 1) : undefined;
  if (inside === undefined) return false;
  switch (source.when.kind) {
    case 'always':
      return true;
    case 'described':
      return false;
    case 'globs':
      return source.when.globs.some((glob) => {
        const pattern = glob.trim().replace(/^\.\//, '').replace(/^\//, '');
        return picomatch(pattern.includes('/') ? pattern : `**/${pattern}`, { dot: true })(inside);
      });
  }
}

/** The folders whose rules govern a path, outermost first, the root excluded: `src/a/b.ts` gives `src`, `src/a`. */
export function foldersAbove(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const folders: string[] = [];
  for (let i = 1; i < parts.length; i++) folders.push(parts.slice(0, i).join('/'));
  return folders;
}
