import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../agent/cli/cliApp';
import { tempDir } from '../support/files';
import { reply, startScriptedEngine, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

class Capture {
  text = '';
  write = (chunk: string): void => {
    this.text += chunk;
  };
}

function makeProject(): string {
  const dir = tempDir('gemma-cli-');
  fs.writeFileSync(path.join(dir, 'math.js'), 'exports.add = (a, b) => a - b;\n');
  fs.writeFileSync(path.join(dir, 'test.js'), "const { add } = require('./math');\nif (add(2, 3) !== 5) { console.error('add(2, 3) should be 5'); process.exit(1); }\nconsole.log('ok');\n");
  return dir;
}

function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO_ROOT, 'agent/cli/main.ts'), ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('agent headless runner (gemma-agent run)', () => {
  let engine: ScriptedEngine;
  let project: string;

  beforeEach(async () => {
    engine = await startScriptedEngine({ apiKey: 'cli-key' });
    project = makeProject();
  });
  afterEach(async () => {
    await engine.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('fixes a function and runs its test with --auto-approve, printing each step (exit 0)', async () => {
    engine.push(
      toolCallReply({ name: 'read_file', arguments: { path: 'math.js' } }, { reasoning: 'Check the file.' }),
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'a - b', replace: 'a + b' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'node test.js' } }),
      reply('add() now adds; node test.js prints ok.'),
    );
    const out = new Capture();
    const err = new Capture();
    const code = await runCli(['run', '--workspace', project, '--endpoint', engine.url, '--api-key', 'cli-key', '--auto-approve', 'Fix add in math.js'], {
      stdout: out,
      stderr: err,
      stdinIsTty: false,
      env: {},
    });
    assert.equal(code, 0, out.text + err.text);
    assert.equal(fs.readFileSync(path.join(project, 'math.js'), 'utf8'), 'exports.add = (a, b) => a + b;\n');
    assert.match(out.text, /\[step 1\]\n\(thinking\) Check the file\.\n.*\n> read_file \{"path":"math\.js"\}/);
    assert.match(out.text, /> run_command \{"command":"node test\.js"\}\n {2}ok:\n.*Exit code 0/s);
    assert.match(out.text, /tok\/s, draft \d+% accepted, prompt \d+\/\d+ tokens cached/);
    assert.match(out.text, /add\(\) now adds; node test\.js prints ok\.\n/);
    assert.match(out.text, /\n== answered after 4 steps ==\n$/);
    const toolResult = engine.requests[3].body.messages.at(-1);
    assert.match(String(toolResult?.content), /ok/);
  });

  it('denies edits and commands with --approvals none when no terminal can ask, and says so', async () => {
    engine.push(
      toolCallReply({ name: 'edit_file', arguments: { path: 'math.js', search: 'a - b', replace: 'a + b' } }),
      toolCallReply({ name: 'run_command', arguments: { command: 'npm test' } }),
      reply('I was not allowed to change anything.'),
    );
    const out = new Capture();
    const code = await runCli(['run', '-w', project, '--endpoint', engine.url, '--api-key', 'cli-key', '--approvals', 'none', 'Fix add'], {
      stdout: out,
      stderr: new Capture(),
      stdinIsTty: false,
      env: {},
    });
    assert.equal(code, 0);
    assert.equal(fs.readFileSync(path.join(project, 'math.js'), 'utf8'), 'exports.add = (a, b) => a - b;\n');
    assert.match(out.text, /DENIED: Edit math\.js \(headless run with no terminal to ask/);
    assert.match(out.text, /DENIED: Run npm test/);
    assert.match(String(engine.requests[1].body.messages.at(-1)?.content), /^The user denied: headless run with no terminal to ask/);
  });

  it('reads the project rules as the extension does and prints which apply', async () => {
    fs.writeFileSync(path.join(project, 'AGENTS.md'), 'Always answer in one sentence.\n');
    fs.mkdirSync(path.join(project, 'lib'));
    fs.writeFileSync(path.join(project, 'lib', 'CLAUDE.md'), 'Files in lib/ use CommonJS.\n');
    fs.writeFileSync(path.join(project, 'lib', 'util.js'), 'exports.x = 1;\n');
    engine.push(toolCallReply({ name: 'read_file', arguments: { path: 'lib/util.js' } }), reply('It exports x.'));
    const out = new Capture();
    const code = await runCli(['run', '-w', project, '--endpoint', engine.url, '--api-key', 'cli-key', 'What does lib/util.js export?'], {
      stdout: out,
      stderr: new Capture(),
      stdinIsTty: false,
      env: {},
    });
    assert.equal(code, 0, out.text);
    assert.match(out.text, /task: What does lib\/util\.js export\?\nrules: AGENTS\.md\n/);
    assert.match(out.text, /\nrules: lib\/CLAUDE\.md\n/);
    assert.match(String(engine.requests[0].body.messages[0]?.content), /--- AGENTS\.md ---\nAlways answer in one sentence\./);
    assert.match(String(engine.requests[1].body.messages.at(-1)?.content), /--- lib\/CLAUDE\.md ---\nFiles in lib\/ use CommonJS\./);
  });

  it('prints JSON lines with --json and exits 1 when the run does not answer', async () => {
    for (let i = 0; i < 2; i++) engine.push(toolCallReply({ name: 'list_dir', arguments: { path: `d${i}` } }));
    const out = new Capture();
    const code = await runCli(['run', '-w', project, '--endpoint', engine.url, '--api-key', 'cli-key', '--max-steps', '2', '--json', 'Look around'], {
      stdout: out,
      stderr: new Capture(),
      stdinIsTty: false,
      env: {},
    });
    assert.equal(code, 1);
    const events = out.text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; reason?: string });
    assert.equal(events[0].type, 'run-started');
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'step-limit', steps: 2, answer: '' });
  });

  it('runs as a program: exit 2 on usage errors, 1 when the engine is not there', async function () {
    this.timeout(30_000);
    const usage = await run(['run', 'no workspace']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--workspace DIR is required[\s\S]*Usage: gemma-agent run/);
    await engine.close();
    const down = await run(['run', '-w', project, '--endpoint', engine.url, 'hello']);
    assert.equal(down.code, 1);
    assert.match(down.stdout, /Nothing answers at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(down.stdout, /Start llama-server .*--endpoint/, 'says what to do in the terms of the CLI');
    assert.doesNotMatch(down.stdout, /Gemma Agent:|gemmaAgent\./);
    engine = await startScriptedEngine();
  });

  it('runs as a program against an engine and exits 0 when answered', async function () {
    this.timeout(30_000);
    engine.push(reply('Hello from the engine.'));
    const result = await run(['run', '-w', project, '--endpoint', engine.url, '--api-key', 'cli-key', 'Say hello']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\[step 1\]\nHello from the engine\.\n/);
    assert.match(result.stdout, /\n== answered after 1 step ==\n$/);
  });
});
