import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { reply, toolCallReply } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { startChatSession, type ChatSession } from './support/session';
import { openChat, waitForFileContent, waitForWorkbench } from './support/workbench';


/*
 * Lasting checkpoints: every message keeps the workspace as it was before it ran, also
 * across a window reload, and "Restore files" on the message puts back what the agent and
 * its commands changed, after showing the changes and asking.
 */
describe('e2e: restore the workspace to before a message', function () {
  let session: ChatSession;
  let page: Page;
  let workspace: string;

  before(async function () {
    session = await startChatSession({
      steps: [
        toolCallReply({ name: 'edit_file', arguments: { path: 'notes.md', search: '# Notes', replace: '# Notes (edited)' } }),
        toolCallReply({ name: 'write_file', arguments: { path: 'made.md', content: 'new file\n' } }),
        reply('Edited notes.md and made made.md.'),
      ],
      files: { 'notes.md': '# Notes\n' },
      settings: { 'gemmaAgent.agent.approval.edits': 'auto' },
    });
    ({ page, workspace } = session);
  });

  after(async function () {
    await session?.close();
  });

  it('puts back what the run changed, after a reload, once the user agrees', async function () {
    let frame = await openChat(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill('edit the notes');
    await input.press('Enter');
    await frame.locator('.message-text', { hasText: 'Edited notes.md and made made.md.' }).waitFor({ timeout: 60_000 });
    assert.equal(await waitForFileContent(path.join(workspace, 'made.md'), 'new file\n'), 'new file\n');
    // Someone also changes a file by hand after the run; a restore puts that back too.
    fs.writeFileSync(path.join(workspace, 'notes.md'), '# Notes (edited)\nmore\n');

    await page.reload();
    await waitForWorkbench(page);
    frame = await openChat(page);
    const restore = frame.locator('.message-user', { hasText: 'edit the notes' }).locator('button.message-restore');
    await restore.waitFor({ timeout: 30_000 });
    await restore.click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Restore 2 files' });
    await dialog.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-restore-checkpoint');
      throw err;
    });
    const detail = (await dialog.textContent()) ?? '';
    assert.match(detail, /delete made\.md/);
    assert.match(detail, /restore notes\.md/);
    await screenshot(page, '95-restore-checkpoint');
    await dialog.locator('.monaco-button', { hasText: 'Restore' }).click();
    assert.equal(await waitForFileContent(path.join(workspace, 'notes.md'), '# Notes\n'), '# Notes\n');
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(path.join(workspace, 'made.md')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(fs.existsSync(path.join(workspace, 'made.md')), false, 'the file the run made is gone');
  });
});
