import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { MemoryPlanError, planLaunch, ModelSetError } from '../../engine/launchPlan';
import { errorMessage, problemOf } from '../../engine/errors';
import { errorText } from '../../extension/errorText';
import { ensureTinyGemma4Set, type TinyGemma4Set } from '../../scripts/testModels/tinyGemma4';

describe('engine: launch plan from settings', () => {
  let models: TinyGemma4Set;
  const modelsDir = os.tmpdir();
  before(async () => {
    models = await ensureTinyGemma4Set();
  });

  it('turns settings into a checked launch config with every capability', async () => {
    const plan = await planLaunch(
      { model: models.model, drafter: models.drafter, projector: models.projector, contextSize: 4096, gpuLayers: 'auto', draft: { enabled: true, maxTokens: 2, minProbability: 0.5 } },
      { modelsDir, binary: { variant: 'cpu-native', envPath: '' } },
    );
    assert.equal(plan.binary.source, 'built');
    assert.equal(plan.config.model, models.model);
    assert.equal(plan.config.drafter, models.drafter);
    assert.equal(plan.config.projector, models.projector);
    assert.deepEqual(plan.capabilities, { vision: true, audio: true, drafting: true });
    assert.deepEqual(plan.config.draft, { maxTokens: 2, minProbability: 0.5 });
    assert.ok(plan.config.contextSize >= 2048 && plan.config.contextSize <= 4096);
  });

  it('leaves the drafter out when drafting is turned off', async () => {
    const plan = await planLaunch(
      { model: models.model, drafter: models.drafter, contextSize: 2048, gpuLayers: '0', draft: { enabled: false, maxTokens: 2, minProbability: 0.5 } },
      { modelsDir, binary: { variant: 'cpu-native', envPath: '' } },
    );
    assert.equal(plan.config.drafter, undefined);
    assert.equal(plan.capabilities.drafting, false);
    assert.equal(plan.config.gpuLayers, '0');
  });

  it('refuses files that do not belong together, naming the problem', async () => {
    await assert.rejects(
      planLaunch({ model: models.drafter, projector: models.projector, contextSize: 2048, gpuLayers: 'auto' }, { modelsDir, binary: { variant: 'cpu-native', envPath: '' } }),
      (err: unknown) => err instanceof ModelSetError && /gemma4/.test(err.message),
    );
  });

  it('says which file is missing, and its role, so the extension can name the setting', async () => {
    await assert.rejects(planLaunch({ model: '/nonexistent/gemma.gguf', contextSize: 2048, gpuLayers: 'auto' }, { modelsDir, binary: { variant: 'cpu-native', envPath: '' } }), (err: unknown) => {
      const problem = problemOf(err);
      assert.equal(problem?.code, 'model-not-found');
      assert.match(errorMessage(err), /\/nonexistent\/gemma\.gguf/);
      assert.match(errorText(err, {}), /gemmaAgent\.model\.path/, 'the extension names the setting');
      return true;
    });
  });

  it('loads nothing when not even the usable minimum fits, instead of a silent tiny context', async () => {
    await assert.rejects(
      planLaunch({ model: models.model, drafter: models.drafter, projector: models.projector, contextSize: 8192, gpuLayers: 'auto' }, { modelsDir, availableRamBytes: 1024, binary: { variant: 'cpu-native', envPath: '' } }),
      (err: unknown) => err instanceof MemoryPlanError && /does not fit in memory/.test(err.message) && /smaller quantization/.test(err.message),
    );
  });
});
