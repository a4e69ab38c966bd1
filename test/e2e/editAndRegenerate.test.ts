import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { reply, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { startChatSession, type ChatSession } from './support/session';
import { openChat, waitForFileContent } from './support/workbench';

/*
 * Edit and Regenerate: a message sent again replaces itself and what came after it, and
 * when the run had changed files the user is offered to put them back first.
 */
describe('e2e: edit a sent message, regenerate a reply', function () {
  let session: ChatSession;
  let engine: ScriptedEngine;
  let page: Page;
  let workspace: string;

  before(async function () {
    session = await startChatSession({
      steps: [
        toolCallReply({ name: 'write_file', arguments: { path: 'made.md', content: 'first try\n' } }),
        reply('First answer.'),
        reply('Second answer.'),
        reply('Third answer, to the edited message.'),
      ],
      settings: { 'gemmaAgent.agent.approval.edits': 'auto' },
    });
    ({ engine, page, workspace } = session);
  });

  after(async function () {
    await session?.close();
  });

  it('regenerates after putting the files back, then sends an edited message in its place', async function () {
    const frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('make a file');
    await input.press('Enter');
    await frame.locator('.message-text', { hasText: 'First answer.' }).waitFor({ timeout: 60_000 });
    assert.equal(await waitForFileContent(path.join(workspace, 'made.md'), 'first try\n'), 'first try\n');

    await frame.locator('.message-assistant', { hasText: 'First answer.' }).locator('button.message-regenerate').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: '1 file has changed since' });
    await dialog.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-regenerate');
      throw err;
    });
    await screenshot(page, '96-regenerate-restore-question');
    await dialog.locator('.monaco-button', { hasText: 'Restore and Send' }).click();
    await frame.locator('.message-text', { hasText: 'Second answer.' }).waitFor({ timeout: 60_000 });
    assert.equal(fs.existsSync(path.join(workspace, 'made.md')), false, 'the file the first run made was put back (removed)');
    assert.equal(await frame.locator('.message-text', { hasText: 'First answer.' }).count(), 0, 'the old reply is gone');
    assert.equal(await frame.locator('.message-user').count(), 1, 'one user message, sent again');
    // The engine got the same question again, without the dropped answer.
    const again = engine.requests[2].body.messages;
    assert.equal(again.filter((m) => m.role === 'user').length, 1);
    assert.equal(again.some((m) => m.role === 'assistant' && JSON.stringify(m).includes('First answer')), false);

    await frame.locator('.message-user', { hasText: 'make a file' }).locator('button.message-edit').click();
    assert.equal(await input.inputValue(), 'make a file');
    await input.fill('make a file, but shorter');
    await input.press('Enter');
    // No file changed since: the question is only about the reply that will be dropped.
    const drop = page.locator('.monaco-dialog-box', { hasText: 'again?' });
    await drop.waitFor({ timeout: 30_000 });
    await drop.locator('.monaco-button', { hasText: 'Send Again' }).click();
    await frame.locator('.message-text', { hasText: 'Third answer, to the edited message.' }).waitFor({ timeout: 60_000 });
    const edited = engine.requests[3].body.messages.filter((m) => m.role === 'user');
    assert.equal(edited.length, 1);
    assert.match(JSON.stringify(edited[0].content), /make a file, but shorter/);
    assert.equal(await frame.locator('.message-user').count(), 1);
  });
});
