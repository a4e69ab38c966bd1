import { strict as assert } from 'node:assert';
import { cliErrorText } from '../../agent/cli/cliErrorText';
import { EngineModelMissingError, EngineModelRequiredError } from '../../engine/client';
import { parseEvalArgs, USAGE } from '../../evals/evalArgs';
import { runEvals } from '../../evals/evalHarness';
import { startScriptedEngine } from '../support/scriptedEngine';

describe('agent evals: the runner’s flags', () => {
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const parsed = parseEvalArgs(argv, env);
    assert.equal(parsed.kind, 'run', parsed.kind === 'usage-error' ? parsed.message : '');
    return parsed.kind === 'run' ? parsed.options : undefined;
  };

  it('takes the model from --model, else $GEMMA_AGENT_MODEL, else leaves it to the server', () => {
    assert.equal(run(['--endpoint', 'http://h:1'])?.model, undefined);
    assert.equal(run(['--endpoint', 'http://h:1', '--model', 'gemma4:12b'])?.model, 'gemma4:12b');
    assert.equal(run(['--endpoint', 'http://h:1'], { GEMMA_AGENT_MODEL: 'google/gemma-4-12b-it' })?.model, 'google/gemma-4-12b-it');
    assert.equal(run(['--endpoint', 'http://h:1', '--model', 'a'], { GEMMA_AGENT_MODEL: 'b' })?.model, 'a', 'the flag wins');
    assert.equal(run(['--endpoint', 'http://h:1', '--model', '  '])?.model, undefined, 'blank: the server decides');
    assert.match(USAGE, /--model NAME/);
  });

  it('sends files read again whole only with --full-rereads', () => {
    assert.equal(run(['--endpoint', 'http://h:1'])?.fullRereads, false);
    assert.equal(run(['--endpoint', 'http://h:1', '--full-rereads'])?.fullRereads, true);
    assert.match(USAGE, /--full-rereads/);
  });

  it('reads the endpoint and key from the flags or the environment, and checks the numbers', () => {
    const options = run(['--k', '3', '--samples', '5', '--tasks', 'a, b'], { GEMMA_AGENT_ENDPOINT: 'http://e:2', GEMMA_AGENT_API_KEY: 'key' });
    assert.deepEqual([options?.endpoint, options?.apiKey, options?.k, options?.samples, options?.taskNames], ['http://e:2', 'key', 3, 5, ['a', 'b']]);
    assert.deepEqual(parseEvalArgs([], {}), { kind: 'usage-error', message: '--endpoint URL is required (or set GEMMA_AGENT_ENDPOINT).' });
    assert.equal(parseEvalArgs(['--endpoint', 'x', '--k', '0'], {}).kind, 'usage-error');
    assert.equal(parseEvalArgs(['--endpoint', 'x', '--mdoel', 'y'], {}).kind, 'usage-error', 'an unknown flag');
  });

  it('stops before any sample when the server has several models and none is named, or not the one named', async () => {
    const engine = await startScriptedEngine({ profile: 'ollama', models: ['gemma4:12b', 'qwen3:8b'] });
    try {
      const several = await runEvals({ endpoint: engine.url, k: 1, taskNames: ['create-file'] }).catch((err: unknown) => err);
      assert.ok(several instanceof EngineModelRequiredError, String(several));
      assert.match(cliErrorText(several), /several models \("gemma4:12b", "qwen3:8b"\).*--model/s);
      const wrong = await runEvals({ endpoint: engine.url, model: 'gemma3', k: 1, taskNames: ['create-file'] }).catch((err: unknown) => err);
      assert.ok(wrong instanceof EngineModelMissingError, String(wrong));
      assert.equal(engine.requests.length, 0, 'no chat request was sent');
    } finally {
      await engine.close();
    }
  });
});
