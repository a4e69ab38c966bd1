import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { parseCli } from '../../agent/cli/cliArgs';
import { headlessApprovalSettings, runHeadless } from '../../agent/cli/headlessRun';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { tempDir } from '../support/files';
import { reply, startScriptedEngine } from '../support/scriptedEngine';

class Capture {
  text = '';
  write = (chunk: string): void => {
    this.text += chunk;
  };
}

describe('agent headless runner (gemma-agent run)', () => {
  it('parses its arguments and reports usage errors', () => {
    const ok = parseCli(['run', '-w', '/tmp/x', '--auto-approve', '--max-steps', '5', '--no-thinking', 'fix', 'it'], {});
    assert.ok(ok.kind === 'run');
    assert.equal(ok.options.request, 'fix it');
    assert.equal(ok.options.maxSteps, 5);
    assert.equal(ok.options.approvals, 'auto');
    assert.equal(ok.options.thinking, false);
    assert.equal(ok.options.endpoint, 'http://127.0.0.1:8080');
    assert.equal(ok.options.fullRereads, false);
    const whole = parseCli(['run', '-w', '/tmp/x', '--full-rereads', 'task'], {});
    assert.ok(whole.kind === 'run' && whole.options.fullRereads);
    const fromEnv = parseCli(['run', '-w', 'x', 't'], { GEMMA_AGENT_ENDPOINT: 'http://h:1', GEMMA_AGENT_API_KEY: 'k' });
    assert.ok(fromEnv.kind === 'run' && fromEnv.options.endpoint === 'http://h:1' && fromEnv.options.apiKey === 'k');
    assert.equal(parseCli(['run', 'task'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '-w', 'x'], {}).kind, 'usage-error');
    assert.equal(parseCli(['walk', '-w', 'x', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '-w', 'x', '--max-steps', 'lots', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '--frobnicate', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['--help'], {}).kind, 'help');
  });

  it('takes --approvals default|auto|none, default being the extension\'s default settings', () => {
    const mode = (args: string[]) => {
      const parsed = parseCli(['run', '-w', '/tmp/x', ...args, 'task'], {});
      return parsed.kind === 'run' ? parsed.options.approvals : parsed.kind;
    };
    assert.equal(mode([]), 'default');
    assert.equal(mode(['--approvals', 'none']), 'none');
    assert.equal(mode(['--auto-approve']), 'auto');
    assert.equal(mode(['--approvals', 'sometimes']), 'usage-error');
    assert.equal(mode(['--approvals', 'none', '--auto-approve']), 'usage-error');
    assert.deepEqual(headlessApprovalSettings('default'), { ...DEFAULT_APPROVAL_SETTINGS, restricted: false });
    assert.deepEqual([headlessApprovalSettings('none').allow, headlessApprovalSettings('none').commands], [[], 'ask']);
    assert.deepEqual([headlessApprovalSettings('auto').edits, headlessApprovalSettings('auto').commands], ['auto', 'auto']);
  });

  it('takes the model from --model, else $GEMMA_AGENT_MODEL', () => {
    const model = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const parsed = parseCli(['run', '-w', '/tmp/x', ...args, 'task'], env);
      return parsed.kind === 'run' ? parsed.options.model : parsed.kind;
    };
    assert.equal(model([]), undefined, 'none: the server decides');
    assert.equal(model(['--model', 'gemma4:12b']), 'gemma4:12b');
    assert.equal(model([], { GEMMA_AGENT_MODEL: 'google/gemma-4-12b-it' }), 'google/gemma-4-12b-it');
    assert.equal(model(['--model', 'a'], { GEMMA_AGENT_MODEL: 'b' }), 'a', 'the flag wins');
  });

  describe('against servers that are not llama-server', () => {
    let workspace: string;
    beforeEach(() => {
      workspace = tempDir('gemma-cli-model-');
    });
    afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));

    it('names the one model a vLLM lists in every request', async () => {
      const engine = await startScriptedEngine({ profile: 'vllm', props: { nCtx: 32768 }, steps: [reply('The folder is empty.')] });
      try {
        const out = new Capture();
        const result = await runHeadless({ workspace, endpoint: engine.url, request: 'What is here?', approvals: 'default', sandbox: false, out });
        assert.equal(result.exitCode, 0, out.text);
        assert.equal(engine.requests[0].body.model, 'google/gemma-4-12b-it');
      } finally {
        await engine.close();
      }
    });

    it('needs --model for an Ollama with several models, and names it then', async () => {
      const engine = await startScriptedEngine({ profile: 'ollama', models: ['gemma4:12b', 'qwen3:8b'], steps: [reply('Done.')] });
      try {
        const out = new Capture();
        const refused = await runHeadless({ workspace, endpoint: engine.url, request: 'task', approvals: 'default', sandbox: false, out });
        assert.equal(refused.exitCode, 1);
        assert.match(out.text, /The server serves several models \("gemma4:12b", "qwen3:8b"\) and none is chosen for the requests\. Pass the model to use with --model/);
        assert.equal(engine.requests.length, 0, 'nothing was sent before the model was known');

        const wrong = new Capture();
        assert.equal((await runHeadless({ workspace, endpoint: engine.url, model: 'gemma3', request: 'task', approvals: 'default', sandbox: false, out: wrong })).exitCode, 1);
        assert.match(wrong.text, /no model named "gemma3"; it serves "gemma4:12b", "qwen3:8b"\. Pass a model the server serves with --model/);

        const named = new Capture();
        const result = await runHeadless({ workspace, endpoint: engine.url, model: 'gemma4:12b', request: 'task', approvals: 'default', sandbox: false, out: named });
        assert.equal(result.exitCode, 0, named.text);
        assert.equal(engine.requests[0].body.model, 'gemma4:12b');
      } finally {
        await engine.close();
      }
    });

    it('says when the endpoint is not an OpenAI-compatible server, or the key is wrong', async () => {
      const engine = await startScriptedEngine({ profile: 'sglang', apiKey: 'k' });
      try {
        const out = new Capture();
        assert.equal((await runHeadless({ workspace, endpoint: engine.url, apiKey: 'nope', request: 'task', approvals: 'default', sandbox: false, out })).exitCode, 1);
        assert.match(out.text, /The engine refused the API key \(HTTP 401\)\. Pass the server's key with --api-key/);
        const json = new Capture();
        await runHeadless({ workspace, endpoint: `${engine.url}/api`, apiKey: 'k', request: 'task', approvals: 'default', sandbox: false, out: json, json: true });
        const event = JSON.parse(json.text.trim()) as { type: string; problem: { code: string } };
        assert.deepEqual([event.type, event.problem.code], ['error', 'engine-not-openai']);
      } finally {
        await engine.close();
      }
    });
  });
});
