import { strict as assert } from 'node:assert';
import { prepareAudio, prepareImage } from '../../engine/media';
import { encodeWav16Mono } from '../../engine/media/wavEncode';
import { audioView, imageThumbnail, imageView, THUMBNAIL_MAX_SIDE } from '../../extension/chat/core/attachmentViews';
import { decodeJpeg, jpegBytes, pixel, pngBytes, raster, type Raster } from '../fixtures/media/synth';
import { near } from '../support/asserts';
import { atLevel, voicedSyllables } from '../support/audioSignals';

function thumbnailOf(url: string): Raster {
  const match = /^data:image\/jpeg;base64,(.+)$/.exec(url);
  assert.ok(match, url.slice(0, 40));
  return decodeJpeg(Buffer.from(match[1], 'base64'));
}

/** Red on the left half, blue on the right. */
const halves = (width: number, height: number): Raster => raster(width, height, (x) => (x < width / 2 ? [220, 20, 20, 255] : [20, 20, 220, 255]));

describe('chat: attachment views', () => {
  it(`an image's thumbnail is a JPEG at most ${THUMBNAIL_MAX_SIDE} px on its longer side, the picture kept`, async () => {
    for (const [width, height] of [
      [1200, 600],
      [300, 900],
      [120, 60], // small images are not blown up
    ] as const) {
      for (const bytes of [pngBytes(halves(width, height)), jpegBytes(halves(width, height))]) {
        const image = await prepareImage(bytes, { maxTokens: 1120 });
        const thumbnail = thumbnailOf(imageThumbnail(image));
        // The thumbnail is made from the prepared image, whose size the token budget may have changed.
        const scale = Math.min(1, THUMBNAIL_MAX_SIDE / Math.max(image.width, image.height));
        assert.deepEqual([thumbnail.width, thumbnail.height], [Math.round(image.width * scale), Math.round(image.height * scale)], `${width}x${height}`);
        if (width > THUMBNAIL_MAX_SIDE || height > THUMBNAIL_MAX_SIDE) assert.equal(Math.max(thumbnail.width, thumbnail.height), THUMBNAIL_MAX_SIDE);
        const y = Math.floor(thumbnail.height / 2);
        near(pixel(thumbnail, 2, y), [220, 20, 20, 255], 24);
        near(pixel(thumbnail, thumbnail.width - 3, y), [20, 20, 220, 255], 24);
      }
    }
  });

  it('an image view says how it was scaled and what it costs', async () => {
    const image = await prepareImage(pngBytes(halves(1920, 1080)));
    const view = imageView('image-1', 'Screenshot', image);
    assert.deepEqual({ ...view, thumbnail: undefined }, { id: 'image-1', kind: 'image', label: 'Screenshot', detail: `${image.width}x${image.height} (from 1920x1080)`, tokens: image.tokens, thumbnail: undefined });
    assert.ok(view.thumbnail!.length < 20_000, `${view.thumbnail!.length} characters`);
  });

  it('a voice view carries the clip for playback, its length and cost', async () => {
    const clip = await prepareAudio(encodeWav16Mono(atLevel(voicedSyllables(2, 16000), -20), 16000));
    const view = audioView('audio-1', 'Voice clip', clip);
    assert.deepEqual({ ...view, audio: undefined }, { id: 'audio-1', kind: 'audio', label: 'Voice clip', detail: undefined, tokens: clip.tokens, seconds: clip.seconds, audio: undefined });
    assert.equal(view.audio, `data:audio/wav;base64,${clip.wav.toString('base64')}`);
  });
});
