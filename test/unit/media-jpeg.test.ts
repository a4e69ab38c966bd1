import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MediaError } from '../../engine/media';
import type { RgbaImage } from '../../engine/media/imageDecode';
import { resizeRgba } from '../../engine/media/imageResize';
import { encodeJpeg } from '../../engine/media/jpegEncode';
import { decodeJpegScaled, type JpegScale } from '../../engine/media/jpegScaled';
import { jpegDecodeScale, prepareImageInThread } from '../../engine/media/prepareImage';
import { decodeJpeg, jpegBytes, jpegScene, raster } from '../fixtures/media/synth';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'media');
const SCALES: JpegScale[] = [1, 2, 4, 8];

/** The exact average of each s x s square (the last ones cut by the edge), RGB as floats. */
function boxDown(image: RgbaImage, s: number): { width: number; height: number; rgb: Float64Array } {
  const width = Math.ceil(image.width / s);
  const height = Math.ceil(image.height / s);
  const rgb = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let yy = y * s; yy < Math.min(image.height, y * s + s); yy++) {
        for (let xx = x * s; xx < Math.min(image.width, x * s + s); xx++, n++) {
          for (let c = 0; c < 3; c++) sum[c] += image.data[(yy * image.width + xx) * 4 + c];
        }
      }
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = sum[c] / n;
    }
  }
  return { width, height, rgb };
}

/**
 * Mean and largest difference per channel, over the pixels that average whole s x s squares
 * of a `sourceWidth` x `sourceHeight` image (at the edge a decoder averages the padding too).
 */
function difference(actual: RgbaImage, expected: { width: number; height: number; rgb: Float64Array }, s = 1, sourceWidth = expected.width * s, sourceHeight = expected.height * s): { mean: number; max: number } {
  assert.deepEqual([actual.width, actual.height], [expected.width, expected.height]);
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let y = 0; y < Math.max(1, Math.floor(sourceHeight / s)); y++) {
    for (let x = 0; x < Math.max(1, Math.floor(sourceWidth / s)); x++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(actual.data[(y * actual.width + x) * 4 + c] - expected.rgb[(y * expected.width + x) * 3 + c]);
        sum += d;
        max = Math.max(max, d);
        n++;
      }
    }
  }
  return { mean: sum / n, max };
}

function same(a: RgbaImage, b: RgbaImage): boolean {
  return a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));
}

function rgbOf(image: RgbaImage) {
  return boxDown(image, 1);
}

describe('media: JPEG decoding at reduced scale', () => {
  const layouts = [
    'scene-420.jpg',
    'scene-422.jpg',
    'scene-440.jpg',
    'scene-411.jpg',
    'scene-444-optimize.jpg',
    'scene-420-progressive.jpg',
    'scene-444-progressive.jpg',
    'scene-420-restart.jpg',
    'scene-grey.jpg',
    'scene-grey-progressive.jpg',
  ];
  for (const file of layouts) {
    it(`${file}: each scale equals a full decode averaged down`, async () => {
      const bytes = await fs.readFile(path.join(FIXTURES, file));
      const full = decodeJpeg(bytes);
      for (const s of SCALES) {
        const image = decodeJpegScaled(bytes, s);
        assert.ok(image, `${file} at 1/${s} should not need the general decoder`);
        const { mean, max } = difference(image, boxDown(full, s), s, full.width, full.height);
        assert.ok(mean < 1 && max <= 4, `${file} at 1/${s}: mean ${mean.toFixed(2)}, max ${max.toFixed(1)}`);
      }
    });
  }

  it('restart markers change nothing in what is decoded', async () => {
    for (const [plain, restarts] of [
      ['scene-420.jpg', 'scene-420-restart.jpg'],
      // jpeg-js cannot read this one; the same file without restarts is the reference.
      ['scene-420-progressive.jpg', 'scene-420-progressive-restart.jpg'],
    ]) {
      const a = await fs.readFile(path.join(FIXTURES, plain));
      const b = await fs.readFile(path.join(FIXTURES, restarts));
      for (const s of SCALES) assert.ok(same(decodeJpegScaled(a, s) as RgbaImage, decodeJpegScaled(b, s) as RgbaImage), `${restarts} at 1/${s}`);
    }
  });

  it('reproduces the scene it was made from', async () => {
    const scene = jpegScene();
    for (const file of ['scene-420.jpg', 'scene-420-progressive.jpg', 'scene-444-progressive.jpg', 'scene-411.jpg']) {
      const image = decodeJpegScaled(await fs.readFile(path.join(FIXTURES, file)), 1) as RgbaImage;
      const { mean } = difference(image, rgbOf(scene));
      // 4:1:1 keeps a quarter of the colour across.
      assert.ok(mean < (file === 'scene-411.jpg' ? 3 : 2), `${file}: mean ${mean.toFixed(2)}`);
    }
  });

  it('reads an RGB JPEG (Adobe transform 0) as RGB, not as YCbCr', async () => {
    const image = decodeJpegScaled(await fs.readFile(path.join(FIXTURES, 'scene-rgb.jpg')), 1) as RgbaImage;
    const { mean } = difference(image, rgbOf(jpegScene()));
    assert.ok(mean < 2, `mean ${mean.toFixed(2)}`);
  });

  it('decodes noisy baseline 4:4:4 (as jpeg-js writes it) like jpeg-js', () => {
    let seed = 1;
    const photo = raster(203, 151, (x, y) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = ((seed >>> 24) & 31) - 16;
      return [120 + 80 * Math.sin(x / 9) + n, 40 + y + n, (x * y) % 200, 255];
    });
    const bytes = jpegBytes(photo);
    const full = decodeJpeg(bytes);
    for (const s of SCALES) {
      const { mean } = difference(decodeJpegScaled(bytes, s) as RgbaImage, boxDown(full, s), s, full.width, full.height);
      assert.ok(mean < 1, `1/${s}: mean ${mean.toFixed(2)}`);
    }
  });

  it('leaves layouts it does not decode (here lossless, SOF3) to the general decoder', async () => {
    const bytes = Buffer.from(await fs.readFile(path.join(FIXTURES, 'scene-420.jpg')));
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    bytes[sof + 1] = 0xc3;
    assert.equal(decodeJpegScaled(bytes, 4), undefined);
  });

  it('throws on truncated or damaged data instead of filling in grey', async () => {
    for (const file of ['scene-420.jpg', 'scene-420-progressive.jpg', 'scene-420-restart.jpg', 'scene-420-progressive-restart.jpg']) {
      const bytes = await fs.readFile(path.join(FIXTURES, file));
      for (const keep of [0.3, 0.6, 0.9]) {
        for (const s of SCALES) assert.throws(() => decodeJpegScaled(bytes.subarray(0, Math.floor(bytes.length * keep)), s), Error, `${file} cut at ${keep}`);
      }
    }
    const damaged = Buffer.from(await fs.readFile(path.join(FIXTURES, 'scene-420.jpg')));
    const sos = damaged.indexOf(Buffer.from([0xff, 0xda]));
    for (let i = sos + 20; i < damaged.length - 2; i += 5) damaged[i] = 0xff;
    assert.throws(() => decodeJpegScaled(damaged, 2), Error);
  });

  it('picks the smallest decode that is still at least the size to send', () => {
    assert.equal(jpegDecodeScale(4000, 3000, 912, 672), 4);
    assert.equal(jpegDecodeScale(8000, 6000, 912, 672), 8);
    assert.equal(jpegDecodeScale(4000, 3000, 1536, 1152), 2);
    assert.equal(jpegDecodeScale(1600, 1200, 912, 672), 1);
    assert.equal(jpegDecodeScale(3000, 4000, 672, 912), 4);
  });
});

describe('media: JPEG encoding', () => {
  it('writes baseline 4:2:0 that decoders read back close to the input, at any size', () => {
    for (const [w, h] of [
      [1, 1],
      [7, 5],
      [16, 16],
      [17, 33],
      [300, 2],
      [203, 151],
    ]) {
      // Colour that changes slowly, as in a photo: 4:2:0 halves its resolution.
      const image = raster(w, h, (x, y) => [40 + x * 0.6, 60 + y * 0.9, 128 + 60 * Math.sin((x + y) / 10), 255]);
      const bytes = encodeJpeg(image, 90);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9]);
      const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
      assert.deepEqual([bytes[sof + 11], bytes[sof + 14], bytes[sof + 17]], [0x22, 0x11, 0x11], 'luma 2x2, chroma 1x1');
      const viaJpegJs = decodeJpeg(bytes);
      const viaOurs = decodeJpegScaled(bytes, 1) as RgbaImage;
      for (const decoded of [viaJpegJs, viaOurs]) {
        const { mean, max } = difference(decoded, rgbOf(image));
        assert.ok(mean < 2 && max < 16, `${w}x${h}: mean ${mean.toFixed(2)}, max ${max.toFixed(1)}`);
      }
    }
  });

  it('follows the quality setting', () => {
    const image = raster(128, 96, (x, y) => [(x * 7) % 256, (y * 5) % 256, (x * y) % 256, 255]);
    assert.ok(encodeJpeg(image, 50).length < encodeJpeg(image, 90).length);
  });
});

describe('media: a photo decoded at reduced scale looks like one resized whole', () => {
  it('a 2000x1500 photo prepared for 280 tokens', async () => {
    let seed = 3;
    const photo = raster(2000, 1500, (x, y) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const n = ((seed >>> 24) & 15) - 8;
      const light = 90 * Math.sin(x / 300 + y / 500) * Math.cos(y / 200);
      return [120 + light + n, 40 + x / 15 + n, 60 + y / 12 + ((x >> 5) & 1) * 40 + n, 255];
    });
    const bytes = jpegBytes(photo);
    const out = await prepareImageInThread(bytes);
    assert.ok(out.resized);
    // The reference: every pixel decoded, one Lanczos resize, the same encoder.
    const reference = decodeJpeg(encodeJpeg(resizeRgba(decodeJpeg(bytes), out.width, out.height), 90));
    const { mean, max } = difference(decodeJpeg(out.data), rgbOf(reference));
    assert.ok(mean < 2 && max < 30, `mean ${mean.toFixed(2)}, max ${max.toFixed(1)}`);
  });

  it('a damaged JPEG still fails as corrupt', async () => {
    const bytes = Buffer.from(jpegBytes(raster(900, 700, (x, y) => [x % 256, y % 256, 90, 255])));
    await assert.rejects(prepareImageInThread(bytes.subarray(0, bytes.length / 2)), (err: unknown) => err instanceof MediaError && err.code === 'corrupt');
  });
});
