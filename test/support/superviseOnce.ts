// Starts one supervised llama-server on the tiny set, prints its pid, then idles. The test
// kills this process with SIGKILL to play an extension host that dies without cleaning up.
import { resolveServerBinary } from '../../engine/binary/resolveServerBinary';
import { EngineSupervisor } from '../../engine/supervisor/engineSupervisor';
import { ensureTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';

async function main(): Promise<void> {
  const models = await ensureTinyGemma4Set();
  const binary = (await resolveServerBinary({ variant: 'cpu-native', envPath: '' })).path;
  const supervisor = new EngineSupervisor({ binary, model: models.model, contextSize: 1024, gpuLayers: '0' });
  const endpoint = await supervisor.start();
  console.log(`PID ${endpoint.pid}`);
  setInterval(() => undefined, 1000);
}

void main();
