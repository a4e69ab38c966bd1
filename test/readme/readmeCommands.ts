/**
 * The shell commands a README shows: every line of a `sh` code block (comments dropped) and
 * every inline code span that starts with a command this project's README uses. Order is
 * the order of first appearance.
 */
const COMMAND_STARTS = ['npm ', 'npx ', 'node ', 'bash ', 'code ', 'code-server ', 'git '];

export function readmeCommands(markdown: string): string[] {
  const found: string[] = [];
  const add = (command: string): void => {
    const clean = command.trim();
    if (clean && !found.includes(clean)) found.push(clean);
  };
  const fence = /^```(\w*)\n([\s\S]*?)^```/gm;
  let prose = '';
  let last = 0;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    prose += markdown.slice(last, m.index);
    last = m.index + m[0].length;
    if (!['sh', 'bash', 'shell'].includes(m[1])) continue;
    for (const line of m[2].split('\n')) {
      if (line.trim().startsWith('#')) continue;
      add(line.replace(/\s{2,}#.*$/, ''));
    }
  }
  prose += markdown.slice(last);
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
    if (COMMAND_STARTS.some((start) => m[1].startsWith(start))) add(m[1]);
  }
  return found;
}
