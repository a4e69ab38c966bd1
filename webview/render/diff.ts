import { el } from '../dom';

/** Long diffs are cut here; the full diff opens in the editor (View diff). */
export const MAX_DIFF_LINES = 400;

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) return 'diff-meta';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-context';
}

/** A unified diff as coloured lines, with a "+12 −3" summary for a quick read and screen readers. */
export function renderDiff(diff: string, maxLines = MAX_DIFF_LINES): HTMLElement {
  const lines = diff.replace(/\n$/, '').split('\n');
  const wrap = el('div', 'diff');
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    const kind = lineClass(line);
    if (kind === 'diff-add') added += 1;
    if (kind === 'diff-del') removed += 1;
  }
  const summary = el('div', 'diff-summary');
  summary.append(el('span', 'diff-count-add', `+${added}`), ' ', el('span', 'diff-count-del', `−${removed}`));
  const pre = el('pre', 'diff-lines');
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', `Diff: ${added} lines added, ${removed} removed`);
  for (const line of lines.slice(0, maxLines)) pre.append(el('span', `diff-line ${lineClass(line)}`, `${line}\n`));
  wrap.append(summary, pre);
  if (lines.length > maxLines) wrap.append(el('div', 'diff-more', `… ${lines.length - maxLines} more lines`));
  return wrap;
}
