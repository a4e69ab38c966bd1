import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const VSCODE = { name: 'vscode', message: 'Only extension/ outside its core/ folders may import vscode.' };

/** A relative import that climbs to one of these top-level folders (from any depth). */
function into(...folders) {
  return `^(?:\\./)?(?:\\.\\./)+(?:${folders.join('|')})(?:/|$)`;
}

const NO_TESTS_OR_SCRIPTS = {
  regex: into('test', 'scripts'),
  message: 'Product code imports nothing from test/ or scripts/ (the test models live in scripts/testModels/).',
};
const ONLY_THE_PROTOCOL = {
  regex: '^(?:\\./)?(?:\\.\\./)+webview(?:/(?!protocol(?:\\.ts)?$)|$)',
  message: 'The extension shares only webview/protocol.ts with the webview.',
};
/** Folders below webview/ that the depth-by-depth rule covers; deeper files would need one more. */
const WEBVIEW_DEPTHS = 6;

/**
 * Imports point down only: engine < agent < extension; the webview is browser code that shares
 * only its protocol with the host; extension code in a core/ folder stays free of VS Code.
 */
function layerZones() {
  const zones = [
    {
      name: 'layers/engine',
      files: ['engine/**'],
      paths: [VSCODE],
      patterns: [{ regex: into('agent', 'extension', 'webview'), message: 'engine/ is the lowest layer: it imports nothing from agent/, extension/ or webview/.' }, NO_TESTS_OR_SCRIPTS],
    },
    {
      name: 'layers/agent',
      files: ['agent/**'],
      paths: [VSCODE],
      patterns: [{ regex: into('extension', 'webview'), message: 'agent/ imports only engine/ and itself, never extension/ or webview/.' }, NO_TESTS_OR_SCRIPTS],
    },
    { name: 'layers/extension', files: ['extension/**'], paths: [], patterns: [ONLY_THE_PROTOCOL, NO_TESTS_OR_SCRIPTS] },
    // After extension/**: for these files this rule replaces that one, so it repeats it whole.
    { name: 'layers/extension-core', files: ['extension/**/core/**'], paths: [VSCODE], patterns: [ONLY_THE_PROTOCOL, NO_TESTS_OR_SCRIPTS] },
  ];
  // The webview may not climb out of webview/ at all: a file N folders deep may not start an
  // import with N '../'. Node's modules and vscode are out too; browser packages are fine.
  const browserOnly = [VSCODE, ...builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: 'Webview code runs in the browser.' }))];
  for (let depth = 1; depth <= WEBVIEW_DEPTHS; depth++) {
    zones.push({
      name: `layers/webview-depth-${depth}`,
      files: [`webview/${'*/'.repeat(depth - 1)}*`],
      paths: browserOnly,
      patterns: [
        { regex: `^(?:\\./)?(?:\\.\\./){${depth}}`, message: 'webview/ imports only webview/ files; it talks to the host through webview/protocol.ts.' },
        { regex: '^node:', message: 'Webview code runs in the browser.' },
      ],
    });
  }
  return zones.map(({ name, files, paths, patterns }) => ({ name, files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', Buffer: 'readonly', require: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Plain Node scripts used as stand-in processes by tests.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { setTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Layers (see "Layout and layers" in the README). Each zone's no-restricted-imports rule is
  // written whole, once: flat config does not merge two settings of one rule, the later wins.
  ...layerZones(),
);
