import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * The ignore rules that apply inside one folder of the workspace, the way ripgrep reads them:
 * .gitignore, .ignore and .rgignore in every folder from the root down (a deeper file may
 * re-include what a shallower one ignored), plus .git/info/exclude at the root. Used by the
 * plain-file-system search so it skips the same files ripgrep would, and by the VS Code
 * workspace for the files VS Code's own search and editors report.
 */

/** Folders never searched or listed by find_files: version control internals and installed packages. */
export const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/** Later names win over earlier ones in the same folder, as in ripgrep. */
const IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'];

interface Level {
  /** Workspace-relative folder the rules belong to ('' for the root). */
  dir: string;
  rules: Ignore;
}

export class IgnoreRules {
  private constructor(
    private readonly root: string,
    private readonly levels: readonly Level[],
  ) {}

  /** The rules at the workspace root. */
  static async atRoot(root: string): Promise<IgnoreRules> {
    const rules = ignore();
    const exclude = await readIfPresent(path.join(root, '.git', 'info', 'exclude'));
    if (exclude !== undefined) rules.add(exclude);
    const empty = new IgnoreRules(root, [{ dir: '', rules }]);
    return (await empty.loadLevel('', rules)) ?? empty;
  }

  /** The rules inside `dir` (workspace-relative, forward slashes), loading every ignore file on the way down. */
  async forDir(dir: string): Promise<IgnoreRules> {
    const parts = dir === '' || dir === '.' ? [] : dir.split('/');
    let current = Promise.resolve<IgnoreRules>(this);
    for (let i = 1; i <= parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      current = current.then((rules) => rules.enter(folder));
    }
    return current;
  }

  /**
   * The rules for a subfolder of the deepest folder these rules were loaded for. `names`, the
   * folder's entries when the caller has listed it already, saves looking for ignore files
   * that are not there.
   */
  async enter(dir: string, names?: ReadonlySet<string>): Promise<IgnoreRules> {
    if (names && !IGNORE_FILES.some((name) => names.has(name))) return this;
    return (await this.loadLevel(dir, ignore())) ?? this;
  }

  /** Whether a workspace-relative path is ignored; folders are tested as folders (`dist/` rules). */
  ignores(relative: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const level of this.levels) {
      if (level.dir !== '' && !relative.startsWith(level.dir + '/')) continue;
      const inLevel = level.dir === '' ? relative : relative.slice(level.dir.length + 1);
      const verdict = level.rules.test(isDirectory ? inLevel + '/' : inLevel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  private async loadLevel(dir: string, rules: Ignore): Promise<IgnoreRules | undefined> {
    let found = false;
    for (const name of IGNORE_FILES) {
      const text = await readIfPresent(path.join(this.root, dir, name));
      if (text !== undefined) {
        rules.add(text);
        found = true;
      }
    }
    if (!found && dir !== '') return undefined;
    const levels = dir === '' ? [{ dir, rules }] : [...this.levels, { dir, rules }];
    return new IgnoreRules(this.root, levels);
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether paths found some other way than walking (an editor's file search, open documents)
 * are ignored, by the same rules walkFiles applies: a path inside an always-skipped or
 * ignored folder is ignored, and each folder's rules are loaded once.
 */
export class IgnoreCheck {
  private readonly rules = new Map<string, Promise<IgnoreRules>>();
  private readonly dirs = new Map<string, Promise<boolean>>();

  constructor(private readonly root: string) {}

  /** Whether a workspace-relative file (forward slashes) is ignored. */
  async file(relative: string): Promise<boolean> {
    const dir = path.posix.dirname(relative);
    const parent = dir === '.' ? '' : dir;
    if (await this.dir(parent)) return true;
    return (await this.rulesFor(parent)).ignores(relative, false);
  }

  private dir(dir: string): Promise<boolean> {
    if (dir === '') return Promise.resolve(false);
    let verdict = this.dirs.get(dir);
    if (!verdict) {
      const up = path.posix.dirname(dir);
      const parent = up === '.' ? '' : up;
      verdict = (async () => ALWAYS_SKIPPED.has(path.posix.basename(dir)) || (await this.dir(parent)) || (await this.rulesFor(parent)).ignores(dir, true))();
      this.dirs.set(dir, verdict);
    }
    return verdict;
  }

  private rulesFor(dir: string): Promise<IgnoreRules> {
    let rules = this.rules.get(dir);
    if (!rules) {
      if (dir === '') rules = IgnoreRules.atRoot(this.root);
      else {
        const up = path.posix.dirname(dir);
        rules = this.rulesFor(up === '.' ? '' : up).then((parent) => parent.enter(dir));
      }
      this.rules.set(dir, rules);
    }
    return rules;
  }
}
