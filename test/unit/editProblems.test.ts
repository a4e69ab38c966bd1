import { strict as assert } from 'node:assert';
import { createDefaultTools, findTool } from '../../agent/tools';
import type { DiagnosticItem } from '../../agent/workspace/workspace';
import { MemoryWorkspace } from '../support/agentTestKit';

/** A workspace whose language server reports what the test says, for the file as it is now. */
class CheckedWorkspace extends MemoryWorkspace {
  readonly waits: Array<boolean | undefined> = [];
  constructor(
    files: Record<string, string>,
    private readonly report: (text: string) => DiagnosticItem[],
  ) {
    super(files);
  }
  override async diagnostics(path?: string): Promise<DiagnosticItem[]> {
    return path ? this.report(this.files.get(path) ?? '') : [];
  }
  async settledDiagnostics(path: string, options: { timeoutMs: number; changed?: boolean }): Promise<DiagnosticItem[]> {
    this.waits.push(options.changed);
    return this.diagnostics(path);
  }
}

const error = (line: number, message: string): DiagnosticItem => ({ path: 'src/a.ts', line, column: 1, severity: 'error', message, source: 'ts' });

/** One error per line that says BROKEN, and one that was there before any edit. */
function reportFor(text: string): DiagnosticItem[] {
  const lines = text.split('\n');
  const out = lines.flatMap((l, i) => (l.includes('BROKEN') ? [error(i + 1, "Cannot find name 'BROKEN'.")] : []));
  if (text.includes('old problem')) out.push(error(lines.findIndex((l) => l.includes('old problem')) + 1, 'An old problem.'));
  return out;
}

describe('edits report the errors they introduced', () => {
  const tools = createDefaultTools();

  async function edit(workspace: MemoryWorkspace, search: string, replace: string): Promise<string> {
    const tool = findTool(tools, 'edit_file')!;
    const args = { path: 'src/a.ts', search, replace };
    await tool.describe(args, { workspace });
    return (await tool.run(args, { workspace })).content;
  }

  it('names the new error, and not the one the file already had (which moved a line down)', async () => {
    const workspace = new CheckedWorkspace({ 'src/a.ts': 'const a = 1;\n// old problem\n' }, reportFor);
    const out = await edit(workspace, 'const a = 1;', 'const a = 1;\nconst b = BROKEN;');
    assert.match(out, /This change introduced 1 new error in src\/a\.ts/);
    assert.match(out, /src\/a\.ts:2:1 error: Cannot find name 'BROKEN'\. \[ts\]/);
    assert.doesNotMatch(out.split('This change introduced')[1] ?? '', /An old problem/, 'the error it already had is not new');
    assert.deepEqual(workspace.waits, [false, true], 'the problems before are asked for without a change, after it with one');
  });

  it('says nothing when the edit broke nothing, or fixed something', async () => {
    const workspace = new CheckedWorkspace({ 'src/a.ts': 'const b = BROKEN;\n' }, reportFor);
    const out = await edit(workspace, 'BROKEN', '2');
    assert.doesNotMatch(out, /introduced/);
  });

  it('reports the errors of a new file', async () => {
    const workspace = new CheckedWorkspace({}, (text) => (text.includes('BROKEN') ? [{ ...error(1, "Cannot find name 'BROKEN'."), path: 'src/new.ts' }] : []));
    const tool = findTool(tools, 'write_file')!;
    const args = { path: 'src/new.ts', content: 'export const x = BROKEN;\n' };
    await tool.describe(args, { workspace });
    const out = (await tool.run(args, { workspace })).content;
    assert.match(out, /Created src\/new\.ts \(1 line\)\.\nThis change introduced 1 new error in src\/new\.ts/);
  });

  it('waits for nothing where no language server runs', async () => {
    const workspace = new MemoryWorkspace({ 'src/a.ts': 'const a = 1;\n' });
    const out = await edit(workspace, 'const a = 1;', 'const a = BROKEN;');
    assert.doesNotMatch(out, /introduced/);
  });
});
