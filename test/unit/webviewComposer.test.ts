import * as assert from 'node:assert/strict';
import { Composer, type Draft } from '../../webview/composer';
import { mentionAt } from '../../webview/mentions';
import { MAX_IMAGE_BYTES, type NoticeLevel } from '../../webview/protocol';
import { installDom, recordPosts, type TestDom } from '../support/webviewDom';

function key(target: HTMLElement, init: KeyboardEventInit & { keyCode?: number }): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  if (init.keyCode !== undefined) Object.defineProperty(event, 'keyCode', { value: init.keyCode });
  target.dispatchEvent(event);
  return event;
}

/** Types text at the caret the way the browser does: value, caret, then an input event. */
function type(input: HTMLTextAreaElement, text: string): void {
  for (const char of text) {
    const caret = input.selectionStart;
    input.value = input.value.slice(0, caret) + char + input.value.slice(input.selectionEnd);
    input.setSelectionRange(caret + 1, caret + 1);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('webview composer', () => {
  let dom: TestDom;
  before(() => (dom = installDom()));
  after(() => dom.restore());

  function setup(draft: Draft = { text: '', mentions: [] }) {
    const { posts, post } = recordPosts();
    const drafts: Draft[] = [];
    const notices: [NoticeLevel, string][] = [];
    const composer = new Composer({ post, draft, onDraftChange: (d) => drafts.push(d), notify: (level, text) => notices.push([level, text]) });
    document.body.replaceChildren(composer.element);
    return { composer, posts, drafts, notices, input: composer.input };
  }

  it('sends on Enter and clears the box', () => {
    const { posts, input, drafts } = setup();
    input.value = 'Explain this function';
    const event = key(input, { key: 'Enter' });
    assert.equal(event.defaultPrevented, true);
    assert.deepEqual(posts, [{ type: 'send', payload: { text: 'Explain this function', attachmentIds: [], mentions: [], mode: 'agent' } }]);
    assert.equal(input.value, '');
    assert.deepEqual(drafts.at(-1), { text: '', mentions: [] });
  });

  it('keeps Shift+Enter for a new line and never sends while an IME is composing', () => {
    const { posts, input } = setup();
    input.value = 'line one';
    assert.equal(key(input, { key: 'Enter', shiftKey: true }).defaultPrevented, false);
    assert.equal(key(input, { key: 'Enter', isComposing: true }).defaultPrevented, false);
    assert.equal(key(input, { key: 'Enter', keyCode: 229 }).defaultPrevented, false);
    assert.deepEqual(posts, []);
    assert.equal(input.value, 'line one');
  });

  it('does not send blank text, and holds the draft while a reply streams', () => {
    const { composer, posts, input, notices } = setup();
    input.value = '   \n ';
    key(input, { key: 'Enter' });
    assert.deepEqual(posts, []);
    composer.setBusy(true);
    assert.equal(document.querySelector<HTMLElement>('.composer-send')?.hidden, true);
    assert.equal(document.querySelector<HTMLElement>('.composer-stop')?.hidden, false);
    input.value = 'next question';
    key(input, { key: 'Enter' });
    assert.deepEqual(posts, []);
    assert.equal(input.value, 'next question');
    assert.equal(notices.length, 1);
    document.querySelector<HTMLButtonElement>('.composer-stop')?.click();
    assert.deepEqual(posts, [{ type: 'stop', payload: {} }]);
  });

  it('sends the pending attachments with the message and then clears them', () => {
    const { composer, posts, input } = setup();
    composer.attachments.add({ id: 'img-1', kind: 'image', label: 'Screenshot', tokens: 256, thumbnail: 'data:image/png;base64,iVBORw0KGgo=' });
    composer.attachments.add({ id: 'clip-1', kind: 'audio', label: 'Voice', seconds: 4, audio: 'data:audio/wav;base64,UklGRg==' });
    assert.ok(document.querySelector('.attachment-image img'));
    assert.ok(document.querySelector('.attachment-audio audio'));
    // A voice clip alone is a request.
    input.value = '';
    key(input, { key: 'Enter' });
    assert.deepEqual(posts, [{ type: 'send', payload: { text: '', attachmentIds: ['img-1', 'clip-1'], mentions: [], mode: 'agent' } }]);
    assert.equal(composer.attachments.ids.length, 0);
  });

  it('removes an attachment on request and tells the host', () => {
    const { composer, posts } = setup();
    composer.attachments.add({ id: 'sel-1', kind: 'selection', label: 'a.ts:1-4' });
    composer.attachments.add({ id: 'sel-2', kind: 'selection', label: 'b.ts:1-4' });
    document.querySelector<HTMLButtonElement>('[data-attachment-id="sel-1"] .attachment-remove')?.click();
    assert.deepEqual(posts, [{ type: 'removeAttachment', payload: { id: 'sel-1' } }]);
    assert.deepEqual(composer.attachments.ids, ['sel-2']);
    assert.equal(document.activeElement, document.querySelector('[data-attachment-id="sel-2"] .attachment-remove'), 'focus moves to the next chip');
  });

  it('refuses attachment data URLs of the wrong type', () => {
    const { composer } = setup();
    composer.attachments.add({ id: 'x', kind: 'image', label: 'bad', thumbnail: 'javascript:alert(1)' });
    composer.attachments.add({ id: 'y', kind: 'audio', label: 'bad', audio: 'data:text/html;base64,PHA+' });
    assert.equal(document.querySelector('img'), null);
    assert.equal(document.querySelector('audio'), null);
  });

  it('completes @file mentions from the keyboard', async () => {
    const { composer, posts, input } = setup();
    input.focus();
    type(input, 'Look at @');
    await wait(5);
    assert.deepEqual(posts.at(-1), { type: 'suggestFiles', payload: { requestId: 1, query: '' } });
    type(input, 'cli');
    await wait(120);
    assert.deepEqual(posts.at(-1), { type: 'suggestFiles', payload: { requestId: 2, query: 'cli' } });
    // An answer to the older request arrives late: ignored.
    composer.mentions.show(1, ['README.md']);
    assert.equal(composer.mentions.isOpen, false);
    composer.mentions.show(2, ['src/api/client.ts', 'src/cli.ts', 'test/client.test.ts']);
    const options = () => [...document.querySelectorAll('.mention-option')];
    assert.equal(options().length, 3);
    assert.equal(input.getAttribute('aria-expanded'), 'true');
    assert.equal(input.getAttribute('aria-activedescendant'), 'mention-option-0');

    assert.equal(key(input, { key: 'ArrowDown' }).defaultPrevented, true);
    assert.equal(key(input, { key: 'ArrowDown' }).defaultPrevented, true);
    key(input, { key: 'ArrowUp' });
    assert.equal(input.getAttribute('aria-activedescendant'), 'mention-option-1');
    assert.equal(options()[1]?.getAttribute('aria-selected'), 'true');

    // Enter picks the suggestion instead of sending.
    assert.equal(key(input, { key: 'Enter' }).defaultPrevented, true);
    assert.equal(input.value, 'Look at @src/cli.ts ');
    assert.equal(composer.mentions.isOpen, false);
    assert.equal(posts.filter((p) => p.type === 'send').length, 0);

    type(input, 'please');
    key(input, { key: 'Enter' });
    assert.deepEqual(posts.at(-1), { type: 'send', payload: { text: 'Look at @src/cli.ts please', attachmentIds: [], mentions: ['src/cli.ts'], mode: 'agent' } });
  });

  it('closes the suggestion list on Escape and leaves the text alone', async () => {
    const { composer, input } = setup();
    type(input, '@');
    await wait(5);
    composer.mentions.show(1, ['a.ts']);
    assert.equal(composer.mentions.isOpen, true);
    assert.equal(key(input, { key: 'Escape' }).defaultPrevented, true);
    assert.equal(composer.mentions.isOpen, false);
    assert.equal(input.value, '@');
    assert.equal((document.querySelector('.mention-list') as HTMLElement).hidden, true);
  });

  it('drops a mention whose @path was deleted from the text before sending', () => {
    const { posts, input } = setup({ text: 'see @src/a.ts', mentions: ['src/a.ts', 'src/gone.ts'] });
    input.value = 'see @src/a.ts now';
    key(input, { key: 'Enter' });
    assert.deepEqual(posts.at(-1), { type: 'send', payload: { text: 'see @src/a.ts now', attachmentIds: [], mentions: ['src/a.ts'], mode: 'agent' } });
  });

  it('finds the mention being typed at the caret', () => {
    assert.deepEqual(mentionAt('hi @sr', 6), { start: 3, end: 6, query: 'sr' });
    assert.deepEqual(mentionAt('@', 1), { start: 0, end: 1, query: '' });
    assert.equal(mentionAt('mail me@host', 12), undefined, 'an @ inside a word is not a mention');
    assert.equal(mentionAt('@done and more', 14), undefined);
  });

  it('sends a pasted PNG as base64 and refuses one that is too large', async () => {
    const { posts, input, notices } = setup();
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const small = new dom.window.File([bytes], 'shot.png', { type: 'image/png' });
    const paste = new dom.window.Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [small], types: ['Files'] } });
    input.dispatchEvent(paste);
    assert.equal(paste.defaultPrevented, true);
    await wait(20);
    assert.deepEqual(posts, [{ type: 'pasteImage', payload: { mime: 'image/png', base64: Buffer.from(bytes).toString('base64'), name: 'shot.png' } }]);

    const huge = new dom.window.File([new Uint8Array(MAX_IMAGE_BYTES + 1)], 'huge.png', { type: 'image/png' });
    const second = new dom.window.Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(second, 'clipboardData', { value: { files: [huge], types: ['Files'] } });
    input.dispatchEvent(second);
    await wait(20);
    assert.equal(posts.length, 1, 'nothing sent for the large image');
    assert.equal(notices[0]?.[0], 'error');
    assert.match(notices[0]?.[1] ?? '', /too large/);

    const text = new dom.window.Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(text, 'clipboardData', { value: { files: [], types: ['text/plain'] } });
    input.dispatchEvent(text);
    assert.equal(text.defaultPrevented, false, 'text pastes are left to the browser');
  });

  it('drives the microphone through the host and cancels on Escape', () => {
    const { composer, posts, input } = setup();
    const mic = document.querySelector<HTMLButtonElement>('.composer-mic') as HTMLButtonElement;
    mic.click();
    assert.deepEqual(posts.at(-1), { type: 'startRecording', payload: {} });
    composer.recording.update({ state: 'recording', seconds: 7.4, level: 0.5, maxSeconds: 30 });
    composer.updateMic();
    assert.equal(mic.getAttribute('aria-pressed'), 'true');
    assert.equal(document.querySelector('.recording-label')?.textContent, 'Recording 0:07 / 0:30');
    assert.equal(document.querySelector('.recording-meter')?.getAttribute('aria-valuenow'), '50');
    key(input, { key: 'Escape' });
    assert.deepEqual(posts.at(-1), { type: 'stopRecording', payload: { cancel: true } });
    mic.click();
    assert.deepEqual(posts.at(-1), { type: 'stopRecording', payload: { cancel: false } });
    composer.recording.update({ state: 'idle' });
    composer.updateMic();
    assert.equal((document.querySelector('.recording') as HTMLElement).hidden, true);
  });

  it('asks the host for the selection, the current file and an image', () => {
    const { posts } = setup();
    for (const selector of ['.composer-attach-selection', '.composer-attach-file', '.composer-attach-image']) document.querySelector<HTMLButtonElement>(selector)?.click();
    assert.deepEqual(posts.map((p) => p.type), ['attachSelection', 'attachFile', 'pickImage']);
  });
});
