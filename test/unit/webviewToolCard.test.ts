import * as assert from 'node:assert/strict';
import type { ToolCallView } from '../../webview/protocol';
import { renderDiff } from '../../webview/render/diff';
import { MAX_OUTPUT_CHARS, ToolCard } from '../../webview/render/toolCard';
import { installDom, recordPosts, type TestDom } from '../support/webviewDom';

const command: ToolCallView = { id: 'call_1', messageId: 'a1', name: 'run_command', title: 'Run npm test', category: 'command', state: 'pending-approval', detail: 'npm test' };
const edit: ToolCallView = {
  id: 'call_2',
  messageId: 'a1',
  name: 'edit_file',
  title: 'Edit src/a.ts',
  category: 'edit',
  state: 'pending-approval',
  path: 'src/a.ts',
  detail: '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n-const a = 1;\n+const a = 2;\n export {};\n',
};

const buttons = (card: ToolCard): string[] => [...card.element.querySelectorAll('.tool-actions button')].map((b) => b.textContent ?? '');
const click = (card: ToolCard, selector: string): void => {
  const button = card.element.querySelector<HTMLButtonElement>(selector);
  assert.ok(button, selector);
  button.click();
};

describe('webview tool cards', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  it('shows a pending command whole, its last line included', () => {
    const { post } = recordPosts();
    const long = `${Array.from({ length: 60 }, (_, i) => `echo ${i}`).join('\n')}\nrm -rf ~/precious`;
    const card = new ToolCard({ ...command, detail: long }, post);
    assert.ok(card.element.querySelector('.tool-command')?.textContent?.endsWith('rm -rf ~/precious'));
    assert.equal(card.element.querySelector<HTMLElement>('.tool-body')?.hidden, false, 'the command is shown while it waits');
  });

  it('says why it asks while it waits, and not after the decision', () => {
    const { post } = recordPosts();
    const card = new ToolCard({ ...edit, path: 'package.json', title: 'Edit package.json', why: 'npm runs the scripts this file defines (npm test, npm install), so edits to it always ask' }, post);
    const why = card.element.querySelector<HTMLElement>('.tool-why');
    assert.equal(why?.textContent, 'Asks because npm runs the scripts this file defines (npm test, npm install), so edits to it always ask.');
    assert.equal(why?.hidden, false);
    card.update({ ...edit, state: 'approved' });
    assert.equal(why?.hidden, true);
  });

  it('shows a pending command with Approve and Deny, which post the call id', () => {
    const { posts, post } = recordPosts();
    const card = new ToolCard(command, post);
    assert.equal(card.element.dataset.state, 'pending-approval');
    assert.equal(card.element.querySelector('.tool-title')?.textContent, 'Run npm test');
    assert.equal(card.element.querySelector('.tool-name')?.textContent, 'run_command');
    assert.equal(card.element.querySelector('.tool-state')?.textContent, 'Waiting for approval');
    assert.equal(card.element.querySelector('.tool-command')?.textContent, '$ npm test');
    assert.deepEqual(buttons(card), ['Approve', 'Deny']);
    click(card, '.tool-approve');
    assert.deepEqual(posts, [{ type: 'approve', payload: { callId: 'call_1' } }]);
    // One decision: both buttons wait for the host's answer.
    assert.ok([...card.element.querySelectorAll<HTMLButtonElement>('.tool-decision')].every((b) => b.disabled));

    const other = new ToolCard({ ...command, id: 'call_9' }, post);
    click(other, '.tool-deny');
    assert.deepEqual(posts[1], { type: 'deny', payload: { callId: 'call_9' } });
  });

  it('walks through approved, running with output, and done', () => {
    const { post } = recordPosts();
    const card = new ToolCard(command, post);
    const element = card.element;
    card.update({ ...command, state: 'approved' });
    assert.deepEqual(buttons(card), []);
    assert.equal(element.querySelector('.tool-state')?.textContent, 'Approved');
    card.update({ ...command, state: 'running' });
    assert.equal(element.dataset.state, 'running');
    const output = element.querySelector('.tool-output') as HTMLElement;
    assert.equal(output.hidden, true, 'no output box before output');
    card.appendOutput('line 1\n');
    card.appendOutput('line 2\n');
    assert.equal(output.hidden, false);
    assert.match(output.textContent ?? '', /line 1\nline 2\n$/);
    assert.equal((element.querySelector('.tool-body') as HTMLElement).hidden, false, 'open while running');
    card.update({ ...command, state: 'done', result: 'exit 0' });
    assert.equal(card.element, element, 'the same card is updated');
    assert.equal(element.querySelector('.tool-result')?.textContent, 'exit 0');
    assert.match(output.textContent ?? '', /line 2\n$/, 'output survives state updates');
    assert.equal((element.querySelector('.tool-body') as HTMLElement).hidden, true, 'done cards fold away');
  });

  it('keeps a card the user opened open through later updates', () => {
    const card = new ToolCard({ ...command, state: 'running' }, recordPosts().post);
    const toggle = card.element.querySelector('.tool-toggle') as HTMLButtonElement;
    toggle.click();
    assert.equal(toggle.getAttribute('aria-expanded'), 'false');
    toggle.click();
    assert.equal(toggle.getAttribute('aria-expanded'), 'true');
    card.update({ ...command, state: 'done' });
    assert.equal(toggle.getAttribute('aria-expanded'), 'true');
  });

  it('shows failures and denials with their reason', () => {
    const card = new ToolCard({ ...command, state: 'failed', result: 'exit 1: 2 problems' }, recordPosts().post);
    const result = card.element.querySelector('.tool-result') as HTMLElement;
    assert.equal(result.textContent, 'exit 1: 2 problems');
    assert.ok(result.classList.contains('tool-result-error'));
    card.update({ ...command, state: 'denied', result: 'Denied by you' });
    assert.equal(card.element.querySelector('.tool-state')?.textContent, 'Denied');
    assert.deepEqual(buttons(card), []);
  });

  it('renders an edit as a diff with View diff, which asks the host to open the diff editor', () => {
    const { posts, post } = recordPosts();
    const card = new ToolCard(edit, post);
    assert.deepEqual(buttons(card), ['Approve', 'Deny', 'View diff']);
    assert.deepEqual([...card.element.querySelectorAll('.diff-line')].map((l) => l.className.replace('diff-line ', '')), ['diff-meta', 'diff-meta', 'diff-hunk', 'diff-del', 'diff-add', 'diff-context']);
    assert.equal(card.element.querySelector('.diff-summary')?.textContent, '+1 −1');
    click(card, '.tool-view-diff');
    assert.deepEqual(posts, [{ type: 'viewDiff', payload: { callId: 'call_2' } }]);
    assert.equal(card.element.querySelector<HTMLButtonElement>('.tool-approve')?.disabled, false, 'View diff is not a decision');
    card.update({ ...edit, state: 'done' });
    assert.deepEqual(buttons(card), ['View diff']);
  });

  it('caps long command output, keeping the latest part', () => {
    const card = new ToolCard({ ...command, state: 'running' }, recordPosts().post);
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 400; i += 1) card.appendOutput(line);
    card.appendOutput('LAST LINE\n');
    const output = card.element.querySelector('.tool-output') as HTMLElement;
    const text = output.lastChild?.textContent ?? '';
    assert.ok(text.length <= MAX_OUTPUT_CHARS * 1.5, `kept ${text.length} characters`);
    assert.ok(text.endsWith('LAST LINE\n'));
    assert.equal((card.element.querySelector('.tool-output-trimmed') as HTMLElement).hidden, false);
  });

  it('restores a card with its earlier output', () => {
    const card = new ToolCard({ ...command, state: 'done', output: 'old output\n' }, recordPosts().post);
    assert.match(card.element.querySelector('.tool-output')?.textContent ?? '', /old output/);
  });

  it('cuts very long diffs and says how much is left', () => {
    const diff = ['@@ -1,500 +1,500 @@', ...Array.from({ length: 500 }, (_, i) => `+line ${i}`)].join('\n');
    const element = renderDiff(diff, 100);
    assert.equal(element.querySelectorAll('.diff-line').length, 100);
    assert.equal(element.querySelector('.diff-more')?.textContent, '… 401 more lines');
    assert.equal(element.querySelector('.diff-summary')?.textContent, '+500 −0');
  });
});
