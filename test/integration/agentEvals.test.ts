import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runEvals, type SampleResult } from '../../evals/evalHarness';
import { formatReportTable, reportJson } from '../../evals/evalReport';
import { DEFAULT_TASKS_DIR } from '../../evals/evalTasks';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';

describe('agent evals: harness with the scripted engine', () => {
  let engine: ScriptedEngine;
  const tmpBefore = new Set<string>();

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'eval-key' });
    for (const name of fs.readdirSync(os.tmpdir())) tmpBefore.add(name);
  });
  afterEach(async () => {
    await engine.close();
  });

  it('copies each task, runs the agent k times, checks, and reports pass@1 and pass@k', async function () {
    this.timeout(60_000);
    engine.push(
      // fix-off-by-one, sample 1: solved
      toolCallReply({ name: 'read_file', arguments: { path: 'range.js' } }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'range.js', search: 'i <= n', replace: 'i < n' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'node test.js' } }),
      reply('Fixed the loop bound; node test.js passes.'),
      // fix-off-by-one, sample 2: the model gives up
      reply('The code looks correct to me.'),
      // create-file, samples 1 and 2: solved
      toolCallReply({ name: 'write_file', arguments: { path: 'notes/hello.txt', content: 'Hello, Gemma!\n' } }),
      reply('Created notes/hello.txt.'),
      toolCallReply({ name: 'write_file', arguments: { path: 'notes/hello.txt', content: 'Hello, Gemma!\n' } }),
      reply('Done.'),
    );
    const seen: SampleResult[] = [];
    const report = await runEvals({
      endpoint: engine.url,
      apiKey: 'eval-key',
      k: 2,
      taskNames: ['fix-off-by-one', 'create-file'],
      onSample: (sample) => seen.push(sample),
    });

    assert.deepEqual(seen.map((s) => [s.task, s.sample, s.passed, s.reason]), [
      ['fix-off-by-one', 1, true, 'answered'],
      ['fix-off-by-one', 2, false, 'answered'],
      ['create-file', 1, true, 'answered'],
      ['create-file', 2, true, 'answered'],
    ]);
    const [fix, create] = report.tasks;
    assert.deepEqual([fix.n, fix.c, fix.passAt1, fix.passAtK], [2, 1, 0.5, 1]);
    assert.deepEqual([create.n, create.c, create.passAt1, create.passAtK], [2, 2, 1, 1]);
    assert.deepEqual(report.overall, { passAt1: 0.75, passAtK: 1 });
    assert.equal(fix.meanSteps, 2.5);
    assert.match(seen[1].checkOutput, /AssertionError/);
    assert.match(seen[0].log, /> edit_file/);
    assert.ok(seen[0].tokensPerSecond === 24 && seen[0].cacheHitRate !== undefined);

    const table = formatReportTable(report);
    assert.match(table, /^task\s+n\s+c\s+pass@1\s+pass@2\s+steps\s+seconds$/m);
    assert.match(table, /^fix-off-by-one\s+2\s+1\s+0\.500\s+1\.000\s+2\.5\s/m);
    assert.match(table, /^overall\s+0\.750\s+1\.000$/m);
    const json = JSON.parse(reportJson(report)) as { overall: unknown; runs: Array<Record<string, unknown>> };
    assert.deepEqual(json.overall, { passAt1: 0.75, passAtK: 1 });
    assert.equal(json.runs[0].log, undefined, 'logs left out of the JSON by default');

    // The task templates are untouched and the working copies are gone.
    assert.match(fs.readFileSync(path.join(DEFAULT_TASKS_DIR, 'fix-off-by-one/repo/range.js'), 'utf8'), /i <= n/);
    assert.equal(fs.existsSync(path.join(DEFAULT_TASKS_DIR, 'create-file/repo/notes')), false);
    const leftover = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('gemma-eval-') && !tmpBefore.has(name));
    assert.deepEqual(leftover, []);
  });

  it('names the model in every request: the one asked for as the server spells it, else the one it lists', async function () {
    this.timeout(60_000);
    const solve = () => [toolCallReply({ name: 'write_file', arguments: { path: 'notes/hello.txt', content: 'Hello, Gemma!\n' } }), reply('Done.')];
    // Ollama refuses a request that names no model (the scripted one does too).
    const ollama = await startScriptedEngine({ profile: 'ollama', models: ['gemma4:12b', 'qwen3:8b'], steps: solve() });
    try {
      const report = await runEvals({ endpoint: ollama.url, model: 'GEMMA4:12B', k: 1, taskNames: ['create-file'] });
      assert.equal(report.model, 'gemma4:12b');
      assert.equal(report.runs[0].passed, true, report.runs[0].log);
      assert.equal(ollama.requests.length, 2);
      assert.deepEqual(ollama.requests.map((r) => r.body.model), ['gemma4:12b', 'gemma4:12b']);
    } finally {
      await ollama.close();
    }
    const vllm = await startScriptedEngine({ profile: 'vllm', steps: solve() });
    try {
      const report = await runEvals({ endpoint: vllm.url, k: 1, taskNames: ['create-file'] });
      assert.equal(report.model, 'google/gemma-4-12b-it');
      assert.equal(report.runs[0].passed, true, report.runs[0].log);
      assert.deepEqual(vllm.requests.map((r) => r.body.model), ['google/gemma-4-12b-it', 'google/gemma-4-12b-it']);
    } finally {
      await vllm.close();
    }
  });
});
