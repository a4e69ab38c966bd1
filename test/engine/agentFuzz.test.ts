import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent, DoneReason } from '../../agent/events';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { AgentSession } from '../../agent/loop';
import { createDefaultTools } from '../../agent/tools';
import type { ApprovalRequest } from '../../agent/workspace/workspace';
import { resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { EngineClient } from '../../engine/client';
import { EngineSupervisor } from '../../engine/supervisor/engineSupervisor';
import { ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { snapshot } from '../support/files';

const REASONS: DoneReason[] = ['answered', 'stopped', 'step-limit', 'loop-detected', 'failed'];

const CASES = [
  { seed: 1, prompt: 'Fix the bug in src/app.js and run the tests.', maxTokens: 24, thinking: false },
  { seed: 2, prompt: 'Create docs/notes.md describing the project.', maxTokens: 96, thinking: false },
  { seed: 3, prompt: 'Rename greet to welcome in every file.', maxTokens: 64, thinking: true },
  { seed: 4, prompt: 'Read ../sentinel/secret.txt and change it.', maxTokens: 128, thinking: false },
  { seed: 5, prompt: 'List everything, then delete the old files.', maxTokens: 160, thinking: false },
  { seed: 6, prompt: 'Search for TODO and fix each one.', maxTokens: 80, thinking: false },
];

/*
 * Engine tier: the random synthetic model drives the real agent loop through the real
 * llama-server, forced to call tools every step with a small token budget. Its calls are
 * garbage (cut-off arguments, unknown keys, unparsable syntax), which is the point: none may
 * crash the loop, every run must end with a reason, and nothing outside the temporary
 * workspace may change. Commands are denied so no random text ever reaches a shell.
 */
describe('engine: the agent loop fuzzed by the random synthetic model', function () {
  this.timeout(120_000);
  let supervisor: EngineSupervisor;
  let base: string;
  let workspaceRoot: string;
  let sentinel: string;

  before(async () => {
    const models = await ensureTinyGemma4Set();
    const binary = (await resolveServerBinary({ variant: 'cpu-native', allowBuild: false, envPath: '' })).path;
    supervisor = new EngineSupervisor(
      { binary, model: models.model, drafter: models.drafter, contextSize: 16_384, gpuLayers: '0', draft: { maxTokens: 2, minProbability: 0 } },
      { restartDelaysMs: [200, 400], startTimeoutMs: 60_000 },
    );
    await supervisor.start();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-fuzz-'));
    workspaceRoot = path.join(base, 'workspace');
    sentinel = path.join(base, 'sentinel');
    fs.mkdirSync(path.join(workspaceRoot, 'src'), { recursive: true });
    fs.writeFileSync(path.join(workspaceRoot, 'src/app.js'), '// TODO: greet properly\nexports.greet = (name) => "hi " + name;\n');
    fs.writeFileSync(path.join(workspaceRoot, 'README.md'), '# Fuzz project\n');
    fs.mkdirSync(sentinel);
    fs.writeFileSync(path.join(sentinel, 'secret.txt'), 'do not touch\n');
    fs.symlinkSync(sentinel, path.join(workspaceRoot, 'link-out'));
  });

  after(async () => {
    await supervisor?.dispose();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('survives many forced random tool calls without crashing or touching anything outside', async () => {
    const sentinelBefore = snapshot(sentinel);
    const siblingsBefore = fs.readdirSync(base).sort();
    const endpoint = supervisor.endpoint;
    assert.ok(endpoint, 'engine is running');
    const tally = { runs: 0, calls: 0, errors: 0, retries: 0, commandsAsked: 0, reasons: new Map<string, number>() };

    for (const testCase of CASES) {
      const events: AgentEvent[] = [];
      const session: AgentSession = new AgentSession({
        client: new EngineClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey }),
        workspace: new FsWorkspace(workspaceRoot),
        tools: createDefaultTools(),
        approver: {
          approve: async (request: ApprovalRequest) => {
            if (request.category === 'command') tally.commandsAsked++;
            return { approved: false, reason: 'commands are not run while fuzzing' };
          },
        },
        approval: { reads: 'auto', edits: 'auto', commands: 'ask', allow: [], deny: [] },
        maxSteps: 3,
        retryDelayMs: 100,
        waitForEngine: async () => {
          const next = await supervisor.waitUntilReady();
          return new EngineClient({ baseUrl: next.url, apiKey: next.apiKey });
        },
        sampling: { seed: testCase.seed, temperature: 1, maxTokens: testCase.maxTokens, thinking: testCase.thinking, toolChoice: 'required' },
      });
      const result = await session.run(testCase.prompt, { onEvent: (event) => events.push(event) });

      tally.runs++;
      tally.reasons.set(result.reason, (tally.reasons.get(result.reason) ?? 0) + 1);
      tally.calls += events.filter((e) => e.type === 'tool-call-proposed').length;
      tally.errors += events.filter((e) => e.type === 'tool-result' && e.isError).length;
      tally.retries += events.filter((e) => e.type === 'step-retry').length;

      assert.ok(REASONS.includes(result.reason), `seed ${testCase.seed}: ${result.reason}`);
      assert.equal(events.at(-1)?.type, 'done', `seed ${testCase.seed}: the run reports its end`);
      assert.equal(events.filter((e) => e.type === 'done').length, 1);
      if (result.reason === 'failed') assert.ok(result.error && result.error.length > 10, 'a failure says why');
      // The history stays valid for the next request: every call has exactly one result.
      const messages = session.messages;
      for (const [i, message] of messages.entries()) {
        if (message.role !== 'assistant' || !message.tool_calls) continue;
        const following = messages.slice(i + 1, i + 1 + message.tool_calls.length);
        assert.deepEqual(following.map((m) => (m.role === 'tool' ? m.tool_call_id : m.role)), message.tool_calls.map((c) => c.id));
        for (const call of message.tool_calls) assert.doesNotThrow(() => JSON.parse(call.function.arguments), 'history arguments are JSON');
      }
      // Whatever the run changed inside the workspace can be undone.
      const undo = await result.checkpoint.undoRun();
      assert.deepEqual(undo.failed, []);
    }

    assert.deepEqual(snapshot(sentinel), sentinelBefore, 'the sentinel folder beside the workspace is byte-identical');
    assert.deepEqual(fs.readdirSync(base).sort(), siblingsBefore, 'nothing new beside the workspace');
    assert.equal(fs.readFileSync(path.join(workspaceRoot, 'src/app.js'), 'utf8'), '// TODO: greet properly\nexports.greet = (name) => "hi " + name;\n');
    assert.ok(tally.calls >= CASES.length, `the model was forced to call tools (${tally.calls} calls)`);
    // One line for whoever reads the test log: what the fuzzer exercised.
    console.log(
      `      fuzz: ${tally.runs} runs, ${tally.calls} calls, ${tally.errors} error results, ${tally.retries} retries, ` +
        `${tally.commandsAsked} commands denied; ends: ${[...tally.reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`,
    );
  });
});
