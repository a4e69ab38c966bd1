import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { reply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { startChatSession, type ChatSession } from './support/session';
import { openChat, waitForFileContent } from './support/workbench';

const mathTs = ['// Arithmetic.', '', 'export function add(a: number, b: number): number {', '  return a - b;', '}', '', 'export function mul(a: number, b: number): number {', '  return a * b;', '}', ''].join('\n');
const fixedAdd = 'export function add(a: number, b: number): number {\n  return a + b;\n}';

/*
 * Apply on a code block that is only part of a file: the block is merged over the function
 * it replaces (after a diff and a question), the rest of the file stays; a block that cannot
 * be placed exactly goes to the agent, which merges it with an edit.
 */
describe('e2e: Apply merges a code block into the file', function () {
  let session: ChatSession;
  let engine: ScriptedEngine;
  let page: Page;
  let workspace: string;

  before(async function () {
    session = await startChatSession({
      steps: [
        reply(`Here is the fix:\n\n\`\`\`ts src/math.ts\n${fixedAdd}\n\`\`\`\n\nAnd a fragment:\n\n\`\`\`ts src/math.ts\nconst twice = add(1, 1);\n\`\`\`\n`),
        reply('I will place it.'),
      ],
      files: { 'src/math.ts': mathTs },
    });
    ({ engine, page, workspace } = session);
  });

  after(async function () {
    await session?.close();
  });

  it('merges a whole function over the one it replaces, and hands a fragment to the agent', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('fix add');
    await input.press('Enter');
    const blocks = frame.locator('.message-assistant .code-block');
    await frame.locator('.message-text', { hasText: 'And a fragment' }).waitFor({ timeout: 60_000 });
    await frame.locator('button.composer-send').waitFor({ state: 'visible', timeout: 30_000 });
    await blocks.nth(0).locator('button.code-apply').click();
    const question = page.locator('.notifications-toasts .notification-toast', { hasText: 'Replace lines 3-5 of src/math.ts' });
    await question.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-apply-merge');
      throw err;
    });
    await screenshot(page, '94-apply-merge-diff');
    await question.locator('.monaco-button', { hasText: 'Apply' }).click();
    const merged = mathTs.replace('  return a - b;', '  return a + b;');
    assert.equal(await waitForFileContent(path.join(workspace, 'src', 'math.ts'), merged), merged, 'only add changed; mul and the comment stayed');

    await blocks.nth(1).locator('button.code-apply').click();
    await frame.locator('.message-text', { hasText: 'I will place it.' }).waitFor({ timeout: 60_000 });
    const asked = JSON.stringify(engine.requests[1].body.messages.at(-1));
    assert.match(asked, /Apply this code block to src\/math\.ts: merge it into the right place/);
    assert.match(asked, /const twice = add\(1, 1\);/);
  });
});
