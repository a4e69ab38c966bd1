import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHATS_FILE, ChatStore } from '../../extension/chat/core/chatStore';

describe('chat store (a file in the workspace storage folder)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-chats-'));
    file = path.join(dir, 'nested', CHATS_FILE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is on disk when save resolves, and a new window reads it back', async () => {
    const store = new ChatStore(file);
    const chat = store.current();
    chat.title = 'Say hello';
    chat.views.push({ id: 'u1', role: 'user', text: 'Say hello' }, { id: 'a1', role: 'assistant', text: 'Hel', stopped: true });
    await store.save(chat);
    const reopened = new ChatStore(file);
    assert.equal(reopened.currentId, chat.id);
    assert.deepEqual(reopened.current().views, chat.views);
    assert.deepEqual(reopened.summaries().map((s) => s.title), ['Say hello']);
  });

  it('writes one save after another, so the last state wins', async () => {
    const store = new ChatStore(file);
    const chat = store.current();
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      chat.views.push({ id: `u${i}`, role: 'user', text: `message ${i}` });
      saves.push(store.save(chat));
    }
    await Promise.all(saves);
    assert.equal(new ChatStore(file).current().views.length, 20);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [CHATS_FILE], 'no temp file left behind');
  });

  it('keeps images and audio out of the file, but not out of the live history the next turn sends', async () => {
    const store = new ChatStore(file);
    const chat = store.current();
    chat.history.push({ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] });
    await store.save(chat);
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /base64,AAAA/);
    assert.match(fs.readFileSync(file, 'utf8'), /an image the user attached earlier/);
    assert.deepEqual(chat.history[0].content, [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }], 'the prompt of the next turn still starts like the last one');
    const reloaded = new ChatStore(file).current();
    assert.deepEqual(reloaded.history[0].content, [{ type: 'text', text: 'look' }, { type: 'text', text: '[an image the user attached earlier]' }]);
  });

  it('starts empty from a damaged file and keeps that file for the user', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"chats": [');
    const store = new ChatStore(file);
    assert.deepEqual(store.summaries(), []);
    assert.ok(fs.readdirSync(path.dirname(file)).some((n) => n.startsWith(`${CHATS_FILE}.damaged-`)));
  });

  it('takes the chats of an earlier version when no file exists yet', async () => {
    const legacy = { currentId: 'c1', chats: [{ id: 'c1', title: 'old', updated: 1, views: [{ id: 'u1', role: 'user' as const, text: 'hi' }], history: [] }] };
    const store = new ChatStore(file, legacy);
    assert.equal(store.current().title, 'old');
    await store.save(store.current());
    assert.equal(new ChatStore(file, { chats: [] }).current().title, 'old', 'the file wins once it exists');
  });

  it('reports a failed write and still writes the next one', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.mkdirSync(`${file}.tmp-${process.pid}`); // a folder where the temp file must go
    const store = new ChatStore(file);
    await assert.rejects(store.save(store.current()));
    fs.rmSync(`${file}.tmp-${process.pid}`, { recursive: true });
    await store.save(store.current());
    assert.ok(fs.existsSync(file));
  });
});
