import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { reply, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { startChatSession, type ChatSession } from './support/session';
import { openChat, openFile } from './support/workbench';

const calcTs = ['export function total(prices: number[]): number {', '  return prices.reduce((sum, p) => sum + p, 0);', '}', ''].join('\n');

/*
 * The agent sees what its edit broke: after an edit, the TypeScript language server of the
 * editor checks the file, and the tool result the model gets names the new error (and not
 * ones that were there before).
 */
describe('e2e: errors an edit introduced reach the model', function () {
  let session: ChatSession;
  let engine: ScriptedEngine;
  let page: Page;

  before(async function () {
    session = await startChatSession({
      steps: [toolCallReply({ name: 'edit_file', arguments: { path: 'src/calc.ts', search: '  return prices.reduce((sum, p) => sum + p, 0);', replace: '  const label: number = "total";\n  return prices.reduce((sum, p) => sum + p, 0);' } }), reply('I changed it.')],
      files: { 'src/calc.ts': calcTs, 'src/old.ts': 'export const broken: string = 1;\n' },
      settings: { 'gemmaAgent.agent.approval.edits': 'auto' },
    });
    ({ engine, page } = session);
  });

  after(async function () {
    await session?.close();
  });

  it('tells the model about the type error its edit introduced', async function () {
    await openFile(page, 'old.ts', 'export const broken');
    // The status bar counts the old file's error once the TypeScript server has checked it.
    await page.locator('.statusbar-item', { hasText: /^\s*1\s*0\s*$/ }).or(page.locator('#status\\.problems', { hasText: '1' })).first().waitFor({ timeout: 120_000 });
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('add a label to total');
    await input.press('Enter');
    await frame.locator('.message-text', { hasText: 'I changed it.' }).waitFor({ timeout: 90_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-edit-diagnostics');
      throw err;
    });
    const second = (await engine.waitForRequest(1)).body.messages;
    const tool = second.find((m) => m.role === 'tool');
    assert.ok(tool, 'the edit result went back to the model');
    const text = String(tool.content);
    assert.match(text, /Edited src\/calc\.ts/);
    assert.match(text, /This change introduced 1 new error in src\/calc\.ts/, text);
    assert.match(text, /src\/calc\.ts:2:\d+ error: Type 'string' is not assignable to type 'number'\./);
    await screenshot(page, '92-edit-diagnostics');
  });
});
