import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Layering: only extension/ may talk to VS Code; engine, agent and webview stay portable.
    files: ['engine/**', 'agent/**', 'webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/ may import vscode (see the layers in the README).' }] }] },
  },
  {
    // The engine and agent are Node code and must not reach up into the extension.
    files: ['engine/**', 'agent/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/ may import vscode.' }], patterns: [{ group: ['**/extension/**', '../extension/*', '**/webview/main', '**/webview/vscodeApi'], message: 'Layers import downward only.' }] }] },
  },
  {
    // The webview is browser code: it may share only the protocol with the host.
    files: ['webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Webview code runs in the browser.' }], patterns: [{ group: ['**/engine/**', '**/agent/**', '**/extension/**', 'node:*'], message: 'The webview talks to the host only through webview/protocol.ts.' }] }] },
  },
);
