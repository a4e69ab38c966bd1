import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareAudio, prepareImage } from '../../engine/media';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { audioView, imageView, THUMBNAIL_MAX_SIDE } from '../../extension/chat/core/attachmentViews';
import { CHATS_FILE, ChatStore, MAX_SAVED_THUMBNAIL_CHARS } from '../../extension/chat/core/chatStore';
import type { AttachmentView } from '../../webview/protocol';
import { decodeJpeg, pngBytes, raster } from '../fixtures/media/synth';
import { atLevel, pinkNoise, random, voicedSyllables } from '../support/audioSignals';

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

  describe('saved chats stay small', () => {
    /** A full-HD screenshot with detail everywhere: panels, lines of "text", and a photo in one corner. */
    function screenshot(): Buffer {
      const next = random(42);
      const noise = Array.from({ length: 1920 * 1080 }, () => next());
      return pngBytes(
        raster(1920, 1080, (x, y) => {
          const n = noise[y * 1920 + x];
          if (x > 1280 && y > 600) return [Math.round(120 + 100 * Math.sin(x / 37) * n), Math.round(90 + 120 * n), Math.round(60 + 150 * Math.cos(y / 23) * n), 255];
          const panel = x < 300 ? 40 : y < 60 ? 60 : 250;
          const text = y % 22 > 6 && y % 22 < 18 && x % 9 !== 0 && n < 0.45;
          return text ? [30, 30, 30, 255] : [panel, panel, panel + 5, 255];
        }),
      );
    }

    it('50 chats, each with a 1920x1080 image and a 30 s voice clip, under 5 MB', async function () {
      this.timeout(60_000); // 50 thumbnails, as 50 attachments would make them
      const image = await prepareImage(screenshot());
      const voice = atLevel(voicedSyllables(31, 16000, 3), -20);
      const room = atLevel(pinkNoise(31, 16000, 4), -50);
      const clip = await prepareAudio(encodeWav16Mono(voice.map((v, i) => v + room[i]), 16000));
      assert.equal(Math.round(clip.seconds), 30);

      const store = new ChatStore(file);
      for (let i = 0; i < 50; i++) {
        const chat = store.create();
        chat.title = `Chat ${i}`;
        const attachments = [imageView(`image-${i}`, 'Screenshot 1920×1080', image), audioView(`audio-${i}`, 'Voice clip', clip)];
        chat.views.push({ id: `u${i}`, role: 'user', text: 'Make the page look like this.', attachments }, { id: `a${i}`, role: 'assistant', text: 'Here is the page.' });
        chat.history.push({
          role: 'user',
          content: [
            { type: 'text', text: 'Make the page look like this.' },
            { type: 'image_url', image_url: { url: image.dataUrl() } },
            { type: 'input_audio', input_audio: { data: clip.wav.toString('base64'), format: 'wav' } },
          ],
        });
        await store.save(chat);
        // Until a reload, the page can still play the clip back.
        assert.match(chat.views[0].attachments?.[1].audio ?? '', /^data:audio\/wav;base64,/);
      }

      const size = fs.statSync(file).size;
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(size < 5 * 1024 * 1024, `${(size / 1024 / 1024).toFixed(2)} MB`);
      console.log(`      saved state of 50 chats: ${(size / 1024).toFixed(0)} KiB`);
      assert.doesNotMatch(text, /data:audio/);
      assert.doesNotMatch(text, new RegExp(image.data.toString('base64').slice(0, 200).replace(/[+/]/g, '\\$&')));

      const reloaded = new ChatStore(file);
      assert.equal(reloaded.summaries().length, 50);
      const [savedImage, savedClip] = reloaded.current().views[0].attachments as AttachmentView[];
      assert.deepEqual({ ...savedClip }, { id: savedClip.id, kind: 'audio', label: 'Voice clip', detail: 'cut to the length limit', tokens: 752, seconds: 30 });
      const thumbnail = decodeJpeg(Buffer.from(savedImage.thumbnail!.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
      assert.equal(Math.max(thumbnail.width, thumbnail.height), THUMBNAIL_MAX_SIDE);
      assert.equal(thumbnail.height, Math.round((THUMBNAIL_MAX_SIDE * image.height) / image.width), `${image.width}x${image.height} prepared`);
    });

    it('drops a full-size thumbnail an earlier build saved', async () => {
      const big = `data:image/png;base64,${'A'.repeat(MAX_SAVED_THUMBNAIL_CHARS)}`;
      const small = 'data:image/jpeg;base64,AAAA';
      const legacy = {
        currentId: 'c1',
        chats: [{ id: 'c1', title: 'old', updated: 1, history: [], views: [{ id: 'u1', role: 'user' as const, text: 'hi', attachments: [{ id: 'i1', kind: 'image' as const, label: 'a', thumbnail: big }, { id: 'i2', kind: 'image' as const, label: 'b', thumbnail: small }] }] }],
      };
      const store = new ChatStore(file, legacy);
      await store.save(store.current());
      const saved = new ChatStore(file).current().views[0].attachments;
      assert.deepEqual(saved, [{ id: 'i1', kind: 'image', label: 'a' }, { id: 'i2', kind: 'image', label: 'b', thumbnail: small }]);
    });
  });
});
