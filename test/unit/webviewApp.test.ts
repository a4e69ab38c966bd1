import * as assert from 'node:assert/strict';
import { createApp, type ChatApp } from '../../webview/app';
import type { HostMessage } from '../../webview/protocol';
import type { SavedState } from '../../webview/state';
import { installDom, ManualFrames, recordPosts, type TestDom } from '../support/webviewDom';

class MemoryStorage {
  state: SavedState | undefined;
  writes = 0;
  getState(): SavedState | undefined {
    return this.state;
  }
  setState(state: SavedState): void {
    this.state = state;
    this.writes += 1;
  }
}

const $ = <E extends Element = HTMLElement>(selector: string): E => {
  const found = document.querySelector<E>(selector);
  assert.ok(found, `no ${selector}`);
  return found;
};
const texts = (selector: string): string[] => [...document.querySelectorAll(selector)].map((n) => n.textContent ?? '');

describe('webview chat page', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  function start(storage = new MemoryStorage()) {
    const root = document.createElement('main');
    document.body.replaceChildren(root);
    const { posts, post } = recordPosts();
    const frames = new ManualFrames();
    const app: ChatApp = createApp(root, { post, storage, schedule: frames.schedule });
    const send = (...messages: HostMessage[]): void => {
      for (const message of messages) app.handle(message);
      frames.run();
    };
    return { app, posts, frames, send, storage };
  }

  it('shows the engine panel with the selectors the end-to-end tests use', () => {
    const { send, posts } = start();
    send({ type: 'engineState', payload: { status: 'not-configured', detail: 'Set gemmaAgent.model.path, e.g. hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M' } });
    assert.equal($('.engine-title').textContent, 'No model configured');
    assert.match($('.engine-detail').textContent ?? '', /hf:giladgd/);
    assert.deepEqual(texts('.engine-actions button'), ['Download recommended model', 'Choose model file…']);
    $<HTMLButtonElement>('.engine-actions button').click();
    assert.deepEqual(posts, [{ type: 'action', payload: { action: 'downloadRecommended' } }]);
    send({ type: 'engineState', payload: { status: 'failed', model: 'm.gguf', detail: 'out of memory' } });
    assert.equal($('.engine-title').textContent, 'Engine failed · m.gguf');
    assert.deepEqual(texts('.engine-actions button'), ['Open log', 'Settings', 'Retry']);
    send({ type: 'engineState', payload: { status: 'starting', model: 'm.gguf', progress: 0.4 } });
    assert.equal($<HTMLProgressElement>('.engine-state progress').value, 0.4);
    assert.ok($('textarea.composer-input'));
  });

  it('restores a whole conversation: text, thinking, attachments, cards, stats, errors', () => {
    const { send, posts } = start();
    send({
      type: 'restore',
      payload: {
        busy: false,
        attachments: [{ id: 'p1', kind: 'file', label: 'a.ts' }],
        messages: [
          { id: 'u1', role: 'user', text: 'Fix **it**', attachments: [{ id: 's1', kind: 'selection', label: 'a.ts:1-3' }] },
          {
            id: 'a1',
            role: 'assistant',
            text: 'Done. See `a.ts`.',
            reasoning: 'The bug is on line 2.',
            stats: { tokensPerSecond: 41.26, outputTokens: 12, draftAcceptance: 0.634, contextUsed: 3200, contextSize: 16384 },
            toolCalls: [{ id: 'c1', messageId: 'a1', name: 'edit_file', title: 'Edit a.ts', category: 'edit', state: 'done', detail: '@@ -1 +1 @@\n-a\n+b' }],
          },
          { id: 'e1', role: 'error', text: 'The engine stopped.', retryable: true },
        ],
      },
    });
    assert.deepEqual(texts('.message-user .message-text'), ['Fix **it**'], 'user text is shown as typed');
    assert.equal($('.message-assistant .message-text').textContent, 'Done. See a.ts.');
    assert.equal($('.message-assistant .reasoning-text').textContent, 'The bug is on line 2.');
    assert.equal($<HTMLDetailsElement>('.message-reasoning').open, false, 'thinking starts collapsed');
    assert.equal($('.message-assistant .message-stats').textContent, '41.3 tok/s · 12 tokens · drafts 63% accepted · context 3.2k / 16k');
    assert.equal($('.message-assistant .tool-card .tool-title').textContent, 'Edit a.ts');
    assert.deepEqual(texts('.message-user .attachment-label'), ['a.ts:1-3']);
    assert.deepEqual(texts('.attachments .attachment-label'), ['a.ts']);
    assert.equal($('.message-error .message-text').textContent, 'The engine stopped.');
    $<HTMLButtonElement>('.message-retry').click();
    assert.deepEqual(posts.at(-1), { type: 'retry', payload: { messageId: 'e1' } });
    assert.equal($('.empty-hint').hidden, true);
  });

  it('streams a reply with thinking, a tool card and output, then stats', () => {
    const { send } = start();
    send(
      { type: 'restore', payload: { messages: [] } },
      { type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'Run the tests' } },
      { type: 'busy', payload: { busy: true } },
      { type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '' } },
    );
    assert.equal($('button.composer-stop').hidden, false);
    assert.equal($('button.composer-send').hidden, true);
    assert.equal($('.message-assistant .message-text').textContent, '', 'empty until text arrives (the e2e test waits for :not(:empty))');
    assert.equal($('.message-assistant').getAttribute('aria-busy'), 'true', 'screen readers wait for the whole reply');
    send({ type: 'reasoningDelta', payload: { id: 'a1', delta: 'Tests live in ' } }, { type: 'reasoningDelta', payload: { id: 'a1', delta: 'test/.' } });
    assert.equal($('.reasoning-summary').textContent, 'Thinking…');
    send({ type: 'appendDelta', payload: { id: 'a1', delta: 'Running **npm' } }, { type: 'appendDelta', payload: { id: 'a1', delta: ' test**.' } });
    assert.equal($('.reasoning-summary').textContent, 'Thoughts');
    assert.equal($('.message-assistant .message-text strong').textContent, 'npm test');
    send({ type: 'toolCall', payload: { id: 'c1', messageId: 'a1', name: 'run_command', title: 'Run npm test', category: 'command', state: 'running', detail: 'npm test' } });
    send({ type: 'toolOutput', payload: { id: 'c1', chunk: 'ok 1\n' } }, { type: 'toolOutput', payload: { id: 'c1', chunk: 'ok 2\n' } });
    send({ type: 'toolCall', payload: { id: 'c1', messageId: 'a1', name: 'run_command', title: 'Run npm test', category: 'command', state: 'done', result: 'exit 0' } });
    assert.equal(document.querySelectorAll('.tool-card').length, 1, 'the update went to the same card');
    assert.ok($('.message-assistant .message-tools .tool-card'));
    assert.match($('.tool-output').textContent ?? '', /ok 1\nok 2\n/);
    send({ type: 'endMessage', payload: { id: 'a1' } }, { type: 'stats', payload: { id: 'a1', stats: { tokensPerSecond: 20 } } }, { type: 'busy', payload: { busy: false } });
    assert.equal($('.message-assistant').classList.contains('streaming'), false);
    assert.equal($('.message-assistant').getAttribute('aria-busy'), null);
    assert.equal($('.message-stats').textContent, '20.0 tok/s');
    assert.equal($('button.composer-send').hidden, false);
  });

  it('names the project rules a reply followed above its figures, live and restored', () => {
    const { send } = start();
    send(
      { type: 'restore', payload: { messages: [] } },
      { type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '', rules: ['AGENTS.md'] } },
      { type: 'stats', payload: { id: 'a1', stats: { tokensPerSecond: 20 } } },
    );
    assert.equal($('.message-rules').textContent, 'Rules: AGENTS.md');
    send({ type: 'rules', payload: { id: 'a1', rules: ['AGENTS.md', 'src/CLAUDE.md (cut)'] } });
    assert.equal($('.message-rules').textContent, 'Rules: AGENTS.md, src/CLAUDE.md (cut)');
    assert.equal($('.message-rules').nextElementSibling, $('.message-stats'), 'the rules line sits above the figures');
    send({ type: 'restore', payload: { messages: [{ id: 'a2', role: 'assistant', text: 'Done.', rules: ['AGENTS.md'], stats: { tokensPerSecond: 20 } }] } });
    assert.equal($('.message-rules').textContent, 'Rules: AGENTS.md');
    assert.equal($('.message-rules').nextElementSibling, $('.message-stats'));
  });

  it('keeps a reply stopped with Stop as far as it got, marked as stopped, also after a reload', () => {
    const { send } = start();
    send(
      { type: 'restore', payload: { messages: [] } },
      { type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'Say hello' } },
      { type: 'busy', payload: { busy: true } },
      { type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '' } },
      { type: 'appendDelta', payload: { id: 'a1', delta: 'Hel' } },
    );
    assert.equal(document.querySelector('.message-stopped'), null, 'not marked while it streams');
    send({ type: 'endMessage', payload: { id: 'a1', stopped: true } }, { type: 'busy', payload: { busy: false } });
    assert.equal($('.message-assistant .message-text').textContent, 'Hel');
    assert.equal($('.message-assistant .message-stopped').textContent, 'Stopped');
    send({ type: 'endMessage', payload: { id: 'a1', stopped: true } });
    assert.equal(document.querySelectorAll('.message-stopped').length, 1, 'marked once');

    const reloaded = start();
    reloaded.send({ type: 'restore', payload: { messages: [{ id: 'u1', role: 'user', text: 'Say hello' }, { id: 'a1', role: 'assistant', text: 'Hel', stopped: true }] } });
    assert.equal($('.message-assistant .message-stopped').textContent, 'Stopped');
    assert.equal($('.message-assistant').classList.contains('streaming'), false);
  });

  it('shows the engine reading a long prompt until the reply starts', () => {
    const { send } = start();
    send({ type: 'restore', payload: { messages: [] } }, { type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '' } }, { type: 'replyProgress', payload: { id: 'a1', text: 'Reading the prompt: 1,200 of 5,100 tokens (4,000 from cache)' } });
    assert.equal($('.message-assistant .message-progress').textContent, 'Reading the prompt: 1,200 of 5,100 tokens (4,000 from cache)');
    assert.equal($('.message-progress').getAttribute('role'), 'status');
    send({ type: 'appendDelta', payload: { id: 'a1', delta: 'Hi' } });
    assert.equal(document.querySelector('.message-progress'), null, 'gone once text arrives');
  });

  it('marks nothing on a reply that finished by itself', () => {
    const { send } = start();
    send({ type: 'restore', payload: { messages: [] } }, { type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '' } }, { type: 'appendDelta', payload: { id: 'a1', delta: 'Done.' } }, { type: 'endMessage', payload: { id: 'a1' } });
    assert.equal(document.querySelector('.message-stopped'), null);
  });

  it('picks up a reply that kept streaming while the view was hidden', () => {
    const { send } = start();
    send({ type: 'restore', payload: { busy: true, messages: [{ id: 'u1', role: 'user', text: 'go' }, { id: 'a1', role: 'assistant', text: 'Half of the ans' }] } });
    assert.ok($('.message-assistant').classList.contains('streaming'));
    assert.equal($('button.composer-stop').hidden, false);
    send({ type: 'appendDelta', payload: { id: 'a1', delta: 'wer.' } }, { type: 'endMessage', payload: { id: 'a1' } });
    assert.equal($('.message-assistant .message-text').textContent, 'Half of the answer.');
    assert.ok(!$('.message-assistant').classList.contains('streaming'));
  });

  it('replaces a message sent again with the same id, and removes one on request', () => {
    const { send } = start();
    send({ type: 'appendMessage', payload: { id: 'e1', role: 'error', text: 'first' } }, { type: 'appendMessage', payload: { id: 'e1', role: 'error', text: 'second' } });
    assert.deepEqual(texts('.message-error .message-text'), ['second']);
    send({ type: 'removeMessage', payload: { id: 'e1' } });
    assert.equal(document.querySelectorAll('.message').length, 0);
    assert.equal($('.empty-hint').hidden, false);
  });

  it('starts a new chat and clears the page when the host says so', () => {
    const { send, posts } = start();
    send({ type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'hi' } }, { type: 'notice', payload: { level: 'info', text: 'hello' } });
    $<HTMLButtonElement>('.toolbar-new-chat').click();
    assert.deepEqual(posts.at(-1), { type: 'newChat', payload: {} });
    send({ type: 'clear', payload: {} });
    assert.equal(document.querySelectorAll('.message').length, 0);
    assert.equal($('.notice').hidden, true);
  });

  it('lists past chats, loads one, and closes the list with Escape', () => {
    const { send, posts } = start();
    const toggle = $<HTMLButtonElement>('.toolbar-history');
    toggle.click();
    assert.deepEqual(posts.at(-1), { type: 'listChats', payload: {} });
    assert.equal(toggle.getAttribute('aria-expanded'), 'true');
    assert.deepEqual(texts('.history-empty'), ['Loading…']);
    const now = Date.now();
    send({ type: 'history', payload: { currentId: 'c2', chats: [{ id: 'c1', title: 'Parser bug', updated: now - 5 * 60_000 }, { id: 'c2', title: 'Debounce', updated: now - 3 * 3600_000 }] } });
    assert.deepEqual(texts('.history-name'), ['Parser bug', 'Debounce']);
    assert.deepEqual(texts('.history-when'), ['5 min ago', '3 h ago']);
    assert.ok($('.history-item:nth-child(2)').classList.contains('current'));
    assert.equal(document.activeElement, document.querySelector('.history-open'), 'focus moves into the list');
    $('.history-panel').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    assert.equal(document.activeElement, document.querySelectorAll('.history-open')[1]);
    $('.history-panel').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    assert.equal($('.history-panel').hidden, true);
    assert.equal(document.activeElement, toggle, 'focus goes back to the button');
    toggle.click();
    $<HTMLButtonElement>('.history-open').click();
    assert.deepEqual(posts.at(-1), { type: 'loadChat', payload: { id: 'c1' } });
    assert.equal($('.history-panel').hidden, true);
    toggle.click();
    $<HTMLButtonElement>('.history-delete').click();
    assert.deepEqual(posts.at(-1), { type: 'deleteChat', payload: { id: 'c1' } });
  });

  it('keeps the draft and mentions when the view is re-created', () => {
    const storage = new MemoryStorage();
    const first = start(storage);
    const input = $<HTMLTextAreaElement>('textarea.composer-input');
    input.value = 'half-written question';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    assert.equal(storage.state?.draft, 'half-written question');
    first.send({ type: 'restore', payload: { messages: [] } });

    start(storage);
    assert.equal($<HTMLTextAreaElement>('textarea.composer-input').value, 'half-written question');
  });

  it('tolerates saved state from an older page', () => {
    const storage = new MemoryStorage();
    storage.state = { draft: 'old' } as SavedState;
    start(storage);
    assert.equal($<HTMLTextAreaElement>('textarea.composer-input').value, 'old');
  });

  it('shows notices, and hides them on empty text or Dismiss', () => {
    const { send } = start();
    send({ type: 'notice', payload: { level: 'warning', text: 'No recorder found: install sox.' } });
    assert.equal($('.notice').hidden, false);
    assert.equal($('.notice').dataset.level, 'warning');
    assert.equal($('.notice-text').textContent, 'No recorder found: install sox.');
    send({ type: 'notice', payload: { level: 'info', text: '' } });
    assert.equal($('.notice').hidden, true);
    send({ type: 'notice', payload: { level: 'error', text: 'again' } });
    $<HTMLButtonElement>('.notice-dismiss').click();
    assert.equal($('.notice').hidden, true);
  });

  it('mirrors attachments and recording pushed by the host', () => {
    const { send } = start();
    send({ type: 'attachmentAdded', payload: { id: 'v1', kind: 'audio', label: 'Voice', seconds: 3, tokens: 75, audio: 'data:audio/wav;base64,UklGRg==' } });
    assert.deepEqual(texts('.attachments .attachment-meta'), ['0:03 · 75 tokens']);
    // Sending takes the pending attachments with it; the page clears them itself.
    $<HTMLTextAreaElement>('textarea.composer-input').value = 'hi';
    $<HTMLButtonElement>('button.composer-send').click();
    assert.equal($('.attachments').hidden, true);
    send({ type: 'recording', payload: { state: 'processing' } });
    assert.equal($('.recording-label').textContent, 'Preparing the clip…');
    assert.equal($<HTMLButtonElement>('.composer-mic').disabled, true);
  });

  it('sends in Ask mode once toggled, and offers to run an Ask reply\'s plan when it is complete', () => {
    const { send, posts } = start();
    const mode = $<HTMLButtonElement>('button.composer-mode');
    assert.equal(mode.textContent, 'Agent');
    mode.click();
    assert.equal(mode.textContent, 'Ask');
    assert.equal(mode.getAttribute('aria-pressed'), 'true');
    $<HTMLTextAreaElement>('textarea.composer-input').value = 'how would you fix it?';
    $<HTMLButtonElement>('button.composer-send').click();
    assert.deepEqual(posts.at(-1), { type: 'send', payload: { text: 'how would you fix it?', attachmentIds: [], mentions: [], mode: 'ask' } });
    send({ type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '', mode: 'ask' } });
    send({ type: 'appendDelta', payload: { id: 'a1', delta: '1. Change parser.ts' } });
    const run = $<HTMLButtonElement>('[data-message-id="a1"] button.message-run-plan');
    assert.equal(run.hidden, true, 'not while the plan streams');
    send({ type: 'endMessage', payload: { id: 'a1' } });
    assert.equal(run.hidden, false);
    run.click();
    assert.deepEqual(posts.at(-1), { type: 'runPlan', payload: { messageId: 'a1' } });
  });

  it('offers "Restore files" on a user message that has a checkpoint', () => {
    const { send, posts } = start();
    send({ type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'edit it', checkpoint: 'abc123' } });
    send({ type: 'appendMessage', payload: { id: 'u2', role: 'user', text: 'no folder' } });
    assert.equal(document.querySelectorAll('[data-message-id="u2"] button.message-restore').length, 0);
    $<HTMLButtonElement>('[data-message-id="u1"] button.message-restore').click();
    assert.deepEqual(posts.at(-1), { type: 'restoreCheckpoint', payload: { messageId: 'u1' } });
  });

  it('edits a sent message in the composer and sends it in its place, and regenerates a finished reply', () => {
    const { send, posts } = start();
    send({ type: 'appendMessage', payload: { id: 'u1', role: 'user', text: 'fix the parser', historyIndex: 0 } });
    send({ type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '' } });
    const regenerate = $<HTMLButtonElement>('[data-message-id="a1"] button.message-regenerate');
    assert.equal(regenerate.hidden, true, 'not while the reply streams');
    send({ type: 'endMessage', payload: { id: 'a1' } });
    regenerate.click();
    assert.deepEqual(posts.at(-1), { type: 'regenerate', payload: { messageId: 'a1' } });

    $<HTMLButtonElement>('[data-message-id="u1"] button.message-edit').click();
    const input = $<HTMLTextAreaElement>('textarea.composer-input');
    assert.equal(input.value, 'fix the parser');
    assert.equal($('.composer-editing').hidden, false);
    input.value = 'fix the parser, and add a test';
    $<HTMLButtonElement>('button.composer-send').click();
    assert.deepEqual(posts.at(-1), { type: 'editMessage', payload: { messageId: 'u1', text: 'fix the parser, and add a test' } });
    assert.equal($('.composer-editing').hidden, true, 'the next message is a new one again');
  });

  it('answers @ lookups through the host', () => {
    const { send, posts } = start();
    const input = $<HTMLTextAreaElement>('textarea.composer-input');
    input.value = '@';
    input.setSelectionRange(1, 1);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => {
      const request = posts.at(-1);
      assert.equal(request?.type, 'suggestFiles');
      send({ type: 'fileSuggestions', payload: { requestId: (request?.payload as { requestId: number }).requestId, paths: ['src/a.ts'] } });
      assert.deepEqual(texts('.mention-name'), ['a.ts']);
      assert.deepEqual(texts('.mention-dir'), ['src']);
    });
  });

  it('routes link clicks in replies to the host', () => {
    const { send, posts } = start();
    send({ type: 'appendMessage', payload: { id: 'a1', role: 'assistant', text: '[docs](https://example.com)' } }, { type: 'endMessage', payload: { id: 'a1' } });
    $('.md-link').click();
    assert.deepEqual(posts.at(-1), { type: 'openLink', payload: { href: 'https://example.com' } });
    assert.equal(dom.window.location.href, 'https://webview.test/');
  });
});
