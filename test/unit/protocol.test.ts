import * as assert from 'node:assert/strict';
import { MAX_IMAGE_BASE64, MAX_LIST, MAX_TEXT, parseWebviewMessage, type WebviewToHost } from '../../webview/protocol';

const png = `iVBORw0KGgo${'A'.repeat(21)}`;
const jpeg = `/9j/${'A'.repeat(20)}`;

/** One well-formed payload per message; the Record type makes a new message without a sample a compile error. */
const valid: { [K in keyof WebviewToHost]: WebviewToHost[K] } = {
  ready: {},
  send: { text: 'Fix the parser', attachmentIds: ['att-1', 'img:2'], mentions: ['src/parser.ts'], mode: 'ask' },
  runPlan: { messageId: 'a123' },
  restoreCheckpoint: { messageId: 'u123' },
  regenerate: { messageId: 'a123' },
  editMessage: { messageId: 'u123', text: 'try again, shorter' },
  stop: {},
  approve: { callId: 'call_abc123' },
  deny: { callId: 'call_abc123', reason: 'not now' },
  viewDiff: { callId: 'call_abc123' },
  copy: { text: 'const a = 1;' },
  insertCode: { code: 'const a = 1;', language: 'typescript' },
  applyCode: { code: 'const a = 1;', language: 'ts', pathHint: 'src/a.ts' },
  openLink: { href: 'https://example.com/docs' },
  attachSelection: {},
  attachFile: {},
  pickImage: {},
  pasteImage: { mime: 'image/png', base64: png, name: 'shot.png' },
  removeAttachment: { id: 'att-1' },
  openAttachment: { id: 'att-1' },
  startRecording: {},
  stopRecording: { cancel: false },
  suggestFiles: { requestId: 3, query: 'src/pa' },
  newChat: {},
  loadChat: { id: 'chat-1' },
  deleteChat: { id: 'chat-1' },
  listChats: {},
  retry: { messageId: 'e123' },
  action: { action: 'openLog' },
};

const accepts = (type: string, payload: unknown): void => {
  const parsed = parseWebviewMessage({ type, payload });
  assert.ok(parsed, `${type} ${JSON.stringify(payload)} should be accepted`);
};
const rejects = (type: string, payload: unknown): void => {
  assert.equal(parseWebviewMessage({ type, payload }), undefined, `${type} ${JSON.stringify(payload).slice(0, 120)} should be rejected`);
};

describe('webview protocol: parseWebviewMessage', () => {
  it('accepts every webview message in its documented shape and returns the same payload', () => {
    for (const [type, payload] of Object.entries(valid)) {
      assert.deepEqual(parseWebviewMessage({ type, payload }), { type, payload }, type);
    }
  });

  it('accepts the optional fields being absent', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'deny', payload: { callId: 'c1' } }), { type: 'deny', payload: { callId: 'c1' } });
    assert.deepEqual(parseWebviewMessage({ type: 'applyCode', payload: { code: 'x', language: '' } }), { type: 'applyCode', payload: { code: 'x', language: '' } });
    assert.deepEqual(parseWebviewMessage({ type: 'pasteImage', payload: { mime: 'image/jpeg', base64: jpeg } }), { type: 'pasteImage', payload: { mime: 'image/jpeg', base64: jpeg } });
    assert.deepEqual(parseWebviewMessage({ type: 'stopRecording', payload: {} }), { type: 'stopRecording', payload: { cancel: false } });
    // An older page sends only text.
    assert.deepEqual(parseWebviewMessage({ type: 'send', payload: { text: 'hi' } }), { type: 'send', payload: { text: 'hi', attachmentIds: [], mentions: [] } });
  });

  it('drops fields it does not know, so nothing unchecked reaches the host', () => {
    const parsed = parseWebviewMessage({ type: 'approve', payload: { callId: 'c1', evil: '<script>' }, extra: 1 });
    assert.deepEqual(parsed, { type: 'approve', payload: { callId: 'c1' } });
    const send = parseWebviewMessage({ type: 'send', payload: { ...valid.send, __proto__: { polluted: true }, constructor: 'x' } });
    assert.deepEqual(Object.keys(send?.payload ?? {}), ['text', 'attachmentIds', 'mentions', 'mode']);
  });

  it('takes only the two chat modes', () => {
    assert.equal(parseWebviewMessage({ type: 'send', payload: { text: 'x', mode: 'sudo' } }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'send', payload: { text: 'x' } }), { type: 'send', payload: { text: 'x', attachmentIds: [], mentions: [] } });
  });

  it('rejects what is not a message', () => {
    for (const raw of [undefined, null, 'send', 42, [], { type: 'send' }, { payload: {} }, { type: 'nope', payload: {} }, { type: 'toString', payload: {} }, { type: '__proto__', payload: {} }]) {
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
    }
    rejects('ready', null);
    rejects('ready', []);
    rejects('stop', 'now');
  });

  it('rejects host-to-webview names sent the other way', () => {
    for (const type of ['appendMessage', 'toolCall', 'restore', 'engineState', 'notice']) rejects(type, {});
  });

  it('rejects malformed sends', () => {
    rejects('send', { text: '   ', attachmentIds: [] });
    rejects('send', { text: 5 });
    rejects('send', { text: 'x', attachmentIds: 'att-1' });
    rejects('send', { text: 'x', attachmentIds: [1] });
    rejects('send', { text: 'x', attachmentIds: ['has space'] });
    rejects('send', { text: 'x', attachmentIds: Array.from({ length: MAX_LIST + 1 }, (_, i) => `a${i}`) });
    rejects('send', { text: 'x', mentions: ['src/a.ts\n'] });
    rejects('send', { text: 'x', mentions: [''] });
    rejects('send', { text: 'x'.repeat(MAX_TEXT + 1) });
    // Attachments alone are a request (a voice clip, a screenshot).
    accepts('send', { text: '', attachmentIds: ['voice-1'] });
  });

  it('rejects malformed ids, links, code and queries', () => {
    rejects('approve', {});
    rejects('approve', { callId: '' });
    rejects('approve', { callId: 'a b' });
    rejects('approve', { callId: 'x'.repeat(257) });
    rejects('approve', { callId: 7 });
    rejects('deny', { callId: 'c1', reason: 3 });
    rejects('deny', { callId: 'c1', reason: 'x'.repeat(2001) });
    rejects('viewDiff', { callId: 'é' });
    rejects('retry', { id: 'e1' });
    rejects('loadChat', { id: null });
    rejects('openLink', { href: '' });
    rejects('openLink', { href: 'x'.repeat(8193) });
    rejects('insertCode', { code: 'x' });
    rejects('insertCode', { code: 'x', language: 'type script' });
    rejects('insertCode', { code: 'x', language: '"><script>' });
    rejects('applyCode', { code: 'x', language: 'ts', pathHint: '' });
    rejects('applyCode', { code: 'x', language: 'ts', pathHint: 'a\0b' });
    rejects('copy', { text: 1 });
    rejects('suggestFiles', { requestId: -1, query: '' });
    rejects('suggestFiles', { requestId: 1.5, query: '' });
    rejects('suggestFiles', { requestId: '1', query: '' });
    rejects('suggestFiles', { requestId: 1, query: 'x'.repeat(513) });
    rejects('stopRecording', { cancel: 'yes' });
    rejects('action', { action: 'deleteEverything' });
    rejects('action', { action: 'constructor' });
  });

  it('rejects pasted images that are oversized, mislabelled or not base64', () => {
    rejects('pasteImage', { mime: 'image/png', base64: `iVBORw0KGgo${'A'.repeat(MAX_IMAGE_BASE64)}` });
    rejects('pasteImage', { mime: 'image/gif', base64: 'R0lGODlhAQABAAAAACw=' });
    rejects('pasteImage', { mime: 'image/svg+xml', base64: png });
    rejects('pasteImage', { mime: 'image/png', base64: jpeg });
    rejects('pasteImage', { mime: 'image/jpeg', base64: png });
    rejects('pasteImage', { mime: 'image/png', base64: `${png}!` });
    rejects('pasteImage', { mime: 'image/png', base64: `iVBORw0KGgo${'A'.repeat(20)}` });
    rejects('pasteImage', { mime: 'image/png', base64: '' });
    rejects('pasteImage', { mime: 'image/png' });
    rejects('pasteImage', { mime: 'image/png', base64: png, name: 'x'.repeat(257) });
  });

  it('accepts an image right at the size limit', () => {
    const atLimit = `iVBORw0KGgo${'A'.repeat(MAX_IMAGE_BASE64 - 11)}`;
    assert.equal(atLimit.length, MAX_IMAGE_BASE64);
    accepts('pasteImage', { mime: 'image/png', base64: atLimit });
  });
});
