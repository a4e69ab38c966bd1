import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { reply, toolCallReply, type ScriptedEngine } from '../support/scriptedEngine';
import { screenshot } from './support/browser';
import { startChatSession, type ChatSession } from './support/session';
import { openChat, waitForFileContent } from './support/workbench';


/*
 * Ask mode keeps the agent's hands off the workspace: it reads, an edit it tries is refused
 * without a prompt, and it answers with a plan; "Run in Agent mode" then carries the plan
 * out, with the edits going through as usual.
 */
describe('e2e: Ask mode plans, Agent mode runs the plan', function () {
  let session: ChatSession;
  let engine: ScriptedEngine;
  let page: Page;
  let workspace: string;

  before(async function () {
    session = await startChatSession({
      steps: [
        toolCallReply({ name: 'read_file', arguments: { path: 'notes.md' } }),
        toolCallReply({ name: 'write_file', arguments: { path: 'todo.md', content: '- ship it\n' } }),
        reply('Plan:\n1. Create todo.md with the line "- ship it".'),
        toolCallReply({ name: 'write_file', arguments: { path: 'todo.md', content: '- ship it\n' } }),
        reply('Done: todo.md is there.'),
      ],
      files: { 'notes.md': '# Notes\n' },
      settings: { 'gemmaAgent.agent.approval.edits': 'auto' },
    });
    ({ engine, page, workspace } = session);
  });

  after(async function () {
    await session?.close();
  });

  it('reads but changes nothing in Ask mode, then runs the plan in Agent mode', async function () {
    const frame = await openChat(page);
    await frame.locator('button.composer-mode').click();
    assert.equal(await frame.locator('button.composer-mode').textContent(), 'Ask');
    const input = frame.locator('textarea.composer-input');
    await input.fill('how would you track the todo?');
    await input.press('Enter');
    const plan = frame.locator('.message-assistant', { hasText: 'Plan:' });
    await plan.locator('button.message-run-plan:not([hidden])').waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await screenshot(page, 'failed-ask-mode');
      throw err;
    });
    assert.equal(fs.existsSync(path.join(workspace, 'todo.md')), false, 'Ask mode wrote nothing');
    const askRequest = engine.requests[0].body.messages;
    assert.match(JSON.stringify(askRequest.at(-1)), /Ask mode: read and search/);
    const refused = engine.requests[2].body.messages.filter((m) => m.role === 'tool').at(-1);
    assert.match(String(refused?.content), /Not done: this is Ask mode/);
    await screenshot(page, '93-ask-mode-plan');

    await plan.locator('button.message-run-plan').click();
    await frame.locator('.message-text', { hasText: 'Done: todo.md is there.' }).waitFor({ timeout: 60_000 });
    assert.equal(await waitForFileContent(path.join(workspace, 'todo.md'), '- ship it\n'), '- ship it\n');
    const runRequest = engine.requests[3].body.messages;
    assert.match(JSON.stringify(runRequest.at(-1)), /Carry out the plan above/);
    assert.doesNotMatch(JSON.stringify(runRequest.at(-1)), /Ask mode: read/);
  });
});
