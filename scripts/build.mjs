// Bundles the extension (Node, CommonJS), its media worker and the chat webview (browser) with esbuild.
// --production minifies and drops source maps; --watch rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  // Error classes name themselves (CodedError sets name from the class), and the media
  // worker tells a MediaError by that name: minified names would turn them into "e".
  keepNames: true,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // Image and audio preparation in a worker thread, for dist/extension.js and dist/cli.js
    // alike: engine/media/offThread.ts looks for it next to the running bundle.
    ...common,
    entryPoints: { mediaWorker: 'engine/media/mediaWorker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The headless runner: `gemma-agent run --workspace DIR "task"` without VS Code.
    ...common,
    entryPoints: { cli: 'agent/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: [{ in: 'webview/main.ts', out: 'webview' }, { in: 'webview/chat.css', out: 'webview' }],
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
