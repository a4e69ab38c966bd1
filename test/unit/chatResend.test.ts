import { strict as assert } from 'node:assert';
import type { StoredChat } from '../../extension/chat/core/chatStore';
import { planResend, planRetry, userBefore } from '../../extension/chat/core/resend';

function chat(): StoredChat {
  return {
    id: 'c',
    title: 't',
    updated: 0,
    views: [
      { id: 'u1', role: 'user', text: 'fix it', historyIndex: 1 },
      { id: 'a1', role: 'assistant', text: 'done' },
      { id: 'u2', role: 'user', text: 'and the test', historyIndex: 3, attachments: [] },
      { id: 'a2', role: 'assistant', text: 'ok' },
    ],
    history: [
      { role: 'system', content: 's' },
      { role: 'user', content: [{ type: 'text', text: 'fix it' }, { type: 'text', text: '@src/a.ts:\n...' }] },
      { role: 'assistant', content: 'done' },
      { role: 'user', content: 'and the test' },
      { role: 'assistant', content: 'ok' },
    ],
  };
}

describe('chat: sending an earlier message again (Edit, Regenerate, Retry)', () => {
  it('finds the user message a reply answers', () => {
    assert.equal(userBefore(chat(), 'a2'), 'u2');
    assert.equal(userBefore(chat(), 'a1'), 'u1');
    assert.equal(userBefore(chat(), 'missing'), undefined);
  });

  it('cuts the chat at the message and sends its parts, with the new words in place of the old', () => {
    const regenerate = planResend(chat(), 'u1');
    assert.deepEqual([regenerate?.viewIndex, regenerate?.historyIndex, regenerate?.later], [0, 1, 3]);
    assert.deepEqual(regenerate?.parts, [{ type: 'text', text: 'fix it' }, { type: 'text', text: '@src/a.ts:\n...' }]);
    const edit = planResend(chat(), 'u1', 'fix it properly');
    assert.deepEqual(edit?.parts, [{ type: 'text', text: 'fix it properly' }, { type: 'text', text: '@src/a.ts:\n...' }], 'the mention stays');
    assert.deepEqual(planResend(chat(), 'u2', 'and the docs')?.parts, [{ type: 'text', text: 'and the docs' }]);
  });

  it('refuses a message the model never got, or a reply', () => {
    const c = chat();
    c.views[0].historyIndex = 2; // points at an assistant message
    assert.equal(planResend(c, 'u1'), undefined);
    assert.equal(planResend(chat(), 'a1'), undefined);
    assert.equal(planResend(chat(), undefined), undefined);
  });

  it('retries the failed turn: its user message comes off the history to be sent again', () => {
    const c = chat();
    c.history.pop(); // the reply failed: the history ends with the user message
    c.views.splice(3, 1, { id: 'e1', role: 'error', text: 'engine died', retryable: true });
    const plan = planRetry(c, 'e1');
    assert.deepEqual(plan, { removeView: 3, parts: [{ type: 'text', text: 'and the test' }] });
    assert.equal(c.history.length, 3, 'taken off, to be appended again by the run');
    assert.equal(planRetry({ ...chat(), views: [] }, 'e1'), undefined);
  });
});
