// npm run bench:tools
// Prints JSON lines: how long edit_file's matching takes on the largest file the agent reads
// (4 MiB of repeated code lines) for each kind of search, and how soon after a cancel the
// edit stops (the closest-region search after a miss is the slow path).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsWorkspace } from '../agent/workspace/fsWorkspace';
import { createDefaultTools, findTool } from '../agent/tools';
import { applySearchReplace } from '../agent/tools/editMatch';

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ metric, value: Number(value.toFixed(1)), unit, ...extra }));
}

async function main(): Promise<void> {
  const line = 'const value = compute(alpha, beta) + 42;\n';
  const text = line.repeat(Math.floor((4 * 1024 * 1024) / line.length));
  const searches: Record<string, string> = {
    ambiguous: line,
    whitespace: '  const value = compute(alpha, beta)   + 42;\n',
    'not-found': 'function totallyDifferent() {\n  return something;\n}\n',
    'near-miss': 'const value = compute(alpha, gamma) + 43;\nconst other = 1;\n',
  };
  for (const [kind, search] of Object.entries(searches)) {
    const started = performance.now();
    await applySearchReplace(text, search, 'x');
    emit('edit_match_ms', performance.now() - started, 'ms', { search: kind, file_bytes: text.length });
  }

  // The cancel, through the tool as the agent calls it, at several points of the slow path;
  // the figure is the longest wait from abort() to the edit's stop.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-bench-tools-'));
  try {
    fs.writeFileSync(path.join(root, 'big.js'), text);
    const tool = findTool(createDefaultTools(), 'edit_file')!;
    let worst = 0;
    const outcomes = new Set<string>();
    for (const afterMs of [20, 60, 100, 150, 200, 250]) {
      const abort = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        abort.abort();
      }, afterMs);
      const outcome = await tool.describe({ path: 'big.js', search: searches['not-found'], replace: 'x' }, { workspace: new FsWorkspace(root), signal: abort.signal }).then(
        () => 'finished',
        (error: Error) => (error.name === 'AbortError' ? 'stopped' : 'finished'),
      );
      outcomes.add(outcome);
      if (outcome === 'stopped') worst = Math.max(worst, performance.now() - abortedAt);
    }
    emit('edit_cancel_ms', worst, 'ms', { outcomes: [...outcomes], target_ms: 100 });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
