import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The layer rules in eslint.config.mjs, held to what the README promises: each snippet is
 * linted as if it lived at `file`, and an upward import must be reported by
 * no-restricted-imports while a downward one passes clean.
 */

const ROOT = path.resolve(__dirname, '..', '..');

const UPWARD: [file: string, from: string][] = [
  // engine/ imports neither agent/, extension/ nor webview/.
  ['engine/client/x.ts', '../../agent/loop'],
  ['engine/x.ts', '../extension/workspace/vscodeWorkspace'],
  ['engine/models/x.ts', '../../webview/protocol'],
  ['engine/x.ts', 'vscode'],
  // agent/ imports neither extension/ nor webview/.
  ['agent/tools/x.ts', '../../extension/workspace/vscodeWorkspace'],
  ['agent/x.ts', '../extension/extension'],
  ['agent/workspace/x.ts', '../../webview/protocol'],
  ['agent/x.ts', 'vscode'],
  // webview/ imports only webview/ files (and browser packages).
  ['webview/x.ts', '../engine/protocol'],
  ['webview/render/x.ts', '../../agent/tool'],
  ['webview/render/x.ts', '../../extension/chat/core/anything'],
  ['webview/x.ts', '../package.json'],
  ['webview/x.ts', 'vscode'],
  ['webview/x.ts', 'node:fs'],
  ['webview/render/x.ts', 'path'],
  // extension/**/core/** does not import vscode, in any feature and at any depth.
  ['extension/inlineChat/core/x.ts', 'vscode'],
  ['extension/workspace/core/x.ts', 'vscode'],
  ['extension/chat/core/x.ts', 'vscode'],
  ['extension/core/x.ts', 'vscode'],
  // The extension shares only the protocol with the webview.
  ['extension/x.ts', '../webview/state'],
  ['extension/chat/x.ts', '../../webview/render/markdown'],
  ['extension/voice/core/x.ts', '../../../webview/dom'],
  // No product layer imports tests or scripts (the test models among them).
  ['engine/x.ts', '../scripts/testModels/tinyGemma4'],
  ['agent/workspace/x.ts', '../../test/support/scriptedEngine'],
  ['agent/x.ts', '../scripts/lib/codeServer'],
  ['extension/x.ts', '../scripts/testModels/tinyGemma4'],
  ['extension/screenshotToCode/core/x.ts', '../../../test/support/fileServer'],
  ['webview/x.ts', '../test/support/webviewDom'],
];

const DOWNWARD: [file: string, from: string][] = [
  ['engine/client/x.ts', '../gguf/ggufTypes'],
  ['engine/x.ts', 'node:fs'],
  ['agent/tools/x.ts', '../../engine/protocol'],
  ['agent/tools/x.ts', '../workspace/workspace'],
  ['extension/x.ts', 'vscode'],
  ['extension/x.ts', '../agent/tool'],
  ['extension/x.ts', '../webview/protocol'],
  ['extension/inlineChat/x.ts', 'vscode'],
  ['extension/inlineChat/core/x.ts', './hunks'],
  ['extension/inlineChat/core/x.ts', '../../../agent/workspace/workspace'],
  ['extension/statusBar/core/x.ts', '../../../webview/protocol'],
  ['extension/chat/x.ts', '../workspace/vscodeWorkspace'],
  ['webview/x.ts', './protocol'],
  ['webview/render/x.ts', '../protocol'],
  ['webview/render/x.ts', './markdown'],
  ['webview/render/x.ts', 'marked'],
  ['test/unit/x.ts', '../../extension/workspace/vscodeWorkspace'],
  ['test/unit/x.ts', '../../scripts/testModels/tinyGemma4'],
  ['scripts/x.ts', './testModels/tinyGemma4'],
];

function snippet(from: string): string {
  return `import * as imported from '${from}';\nexport const used = imported;\n`;
}

describe('lint: layer rules', function () {
  this.timeout(60_000);
  let eslint: ESLint;

  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  async function restricted(file: string, code: string): Promise<ESLint.LintResult> {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result;
  }

  for (const [file, from] of UPWARD) {
    it(`reports ${file} importing ${from}`, async () => {
      const result = await restricted(file, snippet(from));
      const found = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
      assert.equal(found.length, 1, JSON.stringify(result.messages));
      assert.equal(found[0].severity, 2);
    });
  }

  it('reports a re-export as it reports an import', async () => {
    const result = await restricted('engine/x.ts', "export { AgentSession } from '../agent/loop';\n");
    assert.deepEqual(result.messages.map((m) => m.ruleId), ['no-restricted-imports']);
  });

  for (const [file, from] of DOWNWARD) {
    it(`allows ${file} importing ${from}`, async () => {
      const result = await restricted(file, snippet(from));
      assert.deepEqual(result.messages, []);
    });
  }
});
