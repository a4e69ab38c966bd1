import { strict as assert } from 'node:assert';
import { engineStatusText } from '../../extension/statusBar/core/engineStatusText';

describe('engine status bar text', () => {
  it('shows the model and context when ready, progress while starting, and a failure', () => {
    assert.equal(engineStatusText({ status: 'ready', model: 'gemma-4-12b-it-Q4_K_M.gguf', detail: 'Context 32768 tokens' }, 32768).text, '$(hubot) Gemma: gemma-4-12b-it-Q4_K_M.gguf · 32k');
    assert.equal(engineStatusText({ status: 'starting', model: 'm.gguf', progress: 0.42 }, undefined).text, '$(loading~spin) Gemma: starting 42%');
    const failed = engineStatusText({ status: 'failed', model: 'm.gguf', detail: 'out of memory' }, undefined);
    assert.equal(failed.text, '$(error) Gemma: failed');
    assert.match(failed.tooltip, /out of memory\. Click to open the engine log\./);
    assert.equal(engineStatusText({ status: 'not-configured' }, undefined).text, '$(hubot) Gemma: no model');
  });
});
