import { resolveServerBinary } from '../../../engine/binary/resolveServerBinary';
import { ensureTinyGemma4Set, type TinyGemma4Set } from '../../../scripts/testModels/tinyGemma4';

/** User settings that make the installed extension run the real llama-server on the synthetic Gemma 4 set. */
export async function tinyEngineSettings(): Promise<{ models: TinyGemma4Set; settings: Record<string, unknown> }> {
  const models = await ensureTinyGemma4Set();
  const binary = await resolveServerBinary({ variant: 'cpu-native', envPath: '' });
  return {
    models,
    settings: {
      'gemmaAgent.model.path': models.model,
      'gemmaAgent.model.drafter': models.drafter,
      'gemmaAgent.model.projector': models.projector,
      'gemmaAgent.engine.serverPath': binary.path,
      'gemmaAgent.engine.contextSize': 8192,
      'gemmaAgent.chat.thinking': false,
    },
  };
}
