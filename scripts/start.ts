// npm start [-- --folder DIR] [--port N]
// Builds and packages the extension, installs the VSIX into a local code-server on
// 127.0.0.1 and prints the URL to open. Settings and chats persist between runs in the cache.
import { execSync } from 'node:child_process';
import * as path from 'node:path';
import { cacheRoot } from '../engine/cachePaths';
import { cleanNpmEnv } from './lib/cleanNpmEnv';
import { startCodeServer } from './lib/codeServer';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  console.log('Packaging the extension ...');
  execSync('npm run --silent package', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: cleanNpmEnv() });
  const settings: Record<string, unknown> = {};
  const fromEnv: [string, string][] = [
    ['GEMMA_AGENT_MODEL', 'gemmaAgent.model.path'],
    ['GEMMA_AGENT_DRAFTER', 'gemmaAgent.model.drafter'],
    ['GEMMA_AGENT_PROJECTOR', 'gemmaAgent.model.projector'],
    ['GEMMA_AGENT_SERVER', 'gemmaAgent.engine.serverPath'],
  ];
  for (const [env, key] of fromEnv) if (process.env[env]) settings[key] = process.env[env];
  const folder = path.resolve(arg('--folder') ?? process.cwd());
  const server = await startCodeServer({
    vsix: path.join(root, 'gemma-agent.vsix'),
    workspace: folder,
    stateDir: path.join(cacheRoot(), 'start'),
    port: arg('--port') ? Number(arg('--port')) : 8080,
    settings,
  });
  const model = settings['gemmaAgent.model.path'] ?? 'from your settings (none set: the chat view shows first-run guidance)';
  console.log(`\nGemma Agent is running in code-server.\n  Open: ${server.url}/?folder=${encodeURIComponent(folder)}\n  Model: ${String(model)}\nPress Ctrl+C to stop.`);
  const stop = async (): Promise<void> => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
