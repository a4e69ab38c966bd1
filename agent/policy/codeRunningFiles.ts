/**
 * Files that make tools run code: an edit to one is an edit to what runs next time someone
 * types `npm test`, commits, or opens the folder. They always ask, whatever the edit
 * setting, and the card says which tool runs them. Paths are workspace-relative with '/'.
 */
const RULES: { test: (path: string, base: string) => boolean; why: string }[] = [
  { test: (p) => p.split('/').includes('.git'), why: 'git runs hooks and programs named in its own files' },
  { test: (p) => /^\.vscode\/(settings|tasks|launch)\.json$/.test(p) || /(^|\/)\.vscode\/(tasks|launch)\.json$/.test(p), why: 'VS Code runs the tasks and debug programs this file names, and its settings can name programs' },
  { test: (p) => /(^|\/)\.husky\//.test(p), why: 'git runs these hooks (husky) on commit and push' },
  { test: (p) => /(^|\/)node_modules\/\.bin\//.test(p), why: 'npm scripts run the programs in node_modules/.bin' },
  { test: (_p, b) => b === 'package.json', why: 'npm runs the scripts this file defines (npm test, npm install)' },
  { test: (_p, b) => /^(gnu)?makefile$/i.test(b), why: 'make runs the commands in this file' },
  { test: (p) => /(^|\/)\.github\/workflows\//.test(p), why: 'CI runs the workflows in this folder' },
  { test: (_p, b) => b.endsWith('.code-workspace'), why: 'VS Code runs the tasks and debug programs this workspace file names, and its settings can name programs' },
  { test: (_p, b) => b === '.envrc', why: 'direnv runs this file when the folder is entered' },
  { test: (_p, b) => b === '.npmrc' || b === '.yarnrc' || b === '.yarnrc.yml', why: 'npm and yarn read programs and scripts to run from this file' },
];

/** Why an edit to this file always asks, or undefined for an ordinary file. */
export function codeRunningFileReason(path: string): string | undefined {
  const normal = path.replace(/\\/g, '/').replace(/^\.\//, '');
  const base = normal.split('/').pop() ?? normal;
  return RULES.find((rule) => rule.test(normal, base.toLowerCase()))?.why;
}
