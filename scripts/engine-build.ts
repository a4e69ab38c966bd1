// npm run engine:build [-- --variant cpu-native|cpu-portable|cuda|metal|vulkan] [--ship]
// Builds llama-server from the bundled llama.cpp source into the shared cache (once per
// commit and flags). --ship copies the binary and its libraries into dist/bin/ so that
// "npm run package" puts them into the VSIX.
import { pickVariant, type BuildVariant } from '../engine/binary/buildVariants';
import { buildLlamaServer } from '../engine/binary/llamaServerBuild';
import { shipServer } from './lib/shipServer';

const variants: BuildVariant[] = ['cpu-native', 'cpu-portable', 'cuda', 'metal', 'vulkan'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--variant');
  const ship = args.includes('--ship');
  const requested = at >= 0 ? args[at + 1] : ship ? 'cpu-portable' : pickVariant();
  if (!variants.includes(requested as BuildVariant)) throw new Error(`Unknown variant "${requested}". Use one of: ${variants.join(', ')}.`);
  const variant = requested as BuildVariant;
  console.log(`Building llama-server (${variant}); the first build takes about 10 minutes on 2 cores.`);
  let last = -1;
  const started = Date.now();
  const bin = await buildLlamaServer({
    variant,
    onProgress: ({ fraction, message }) => {
      const pct = Math.floor(fraction * 100);
      if (pct >= last + 10 || fraction === 1) {
        last = pct;
        console.log(message);
      }
    },
  });
  console.log(`llama-server: ${bin} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (ship) {
    const target = shipServer(bin, process.cwd());
    console.log(`Copied llama-server and its libraries to ${target}; "npm run package" now includes them.`);
  }
}

main().catch((err: Error) => {
  console.error(`engine:build failed: ${err.message}`);
  process.exit(1);
});
