import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  estimateImageTokens,
  fitImageToBudget,
  IMAGE_PATCH_SIZE,
  MediaError,
  prepareImage,
  serverImageGrid,
} from '../../engine/media';
import { WEBP_WASM_BASE64 } from '../../engine/media/webpWasm';
import {
  decodeJpeg,
  decodePng,
  gifBytes,
  jpegBytes,
  pixel,
  pngBytes,
  pngHeaderOnly,
  raster,
} from '../fixtures/media/synth';
import { near, rejectsWithCode } from '../support/asserts';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'media');
const rejectsWith = rejectsWithCode(MediaError);

/** A screenshot-like picture: coloured quadrants plus a grid of thin lines. */
function screenshot(width: number, height: number) {
  return raster(width, height, (x, y) => {
    if (x % 64 === 0 || y % 64 === 0) return [20, 20, 20, 255];
    const left = x < width / 2;
    const top = y < height / 2;
    return top ? (left ? [230, 40, 40, 255] : [40, 200, 40, 255]) : left ? [40, 40, 230, 255] : [240, 240, 240, 255];
  });
}

describe('media: image token rule (gemma4uv)', () => {
  it('matches the counts measured on llama-server', () => {
    assert.equal(estimateImageTokens(400, 300), 82);
    assert.equal(estimateImageTokens(1024, 768), 338);
    assert.equal(estimateImageTokens(1920, 1080), 922);
  });

  it('enlarges small images to the 70-patch minimum and shrinks big ones to the 1120 maximum', () => {
    assert.deepEqual(serverImageGrid(10, 10), { width: 432, height: 432, columns: 9, rows: 9, tokens: 83 });
    const big = serverImageGrid(3840, 2160);
    assert.ok(big.columns * big.rows <= 1120 && big.columns * big.rows > 1000, JSON.stringify(big));
    assert.equal(big.tokens, big.columns * big.rows + 2);
  });

  it('keeps an image already on the patch grid as it is', () => {
    assert.deepEqual(serverImageGrid(480, 384), { width: 480, height: 384, columns: 10, rows: 8, tokens: 82 });
  });

  it('follows custom server limits', () => {
    assert.equal(estimateImageTokens(1920, 1080, { maxPatches: 280 }), serverImageGrid(1920, 1080, { maxPatches: 280 }).tokens);
    assert.ok(estimateImageTokens(1920, 1080, { maxPatches: 280 }) <= 282);
    assert.equal(estimateImageTokens(10, 10, { minPatches: 1 }), 3);
  });

  it('rejects sizes that are not positive whole pixels', () => {
    assert.throws(() => estimateImageTokens(0, 10), RangeError);
    assert.throws(() => estimateImageTokens(10.5, 10), RangeError);
  });
});

describe('media: fitting an image to a token budget', () => {
  const sizes: [number, number][] = [
    [1920, 1080],
    [3840, 2160],
    [2560, 1600],
    [1024, 768],
    [1366, 768],
    [800, 600],
    [600, 3000],
    [5000, 300],
    [10, 10],
    [1, 1],
  ];
  for (const [w, h] of sizes) {
    it(`${w}x${h} stays within budgets of 100..1122 tokens`, () => {
      for (const budget of [100, 150, 280, 500, 1122]) {
        const fit = fitImageToBudget(w, h, budget);
        const cheapest = fitImageToBudget(w, h, 0).tokens;
        assert.ok(fit.tokens <= Math.max(budget, cheapest), `${w}x${h} budget ${budget}: ${JSON.stringify(fit)}`);
        // The count reported is what the server computes for the size sent.
        assert.equal(fit.tokens, estimateImageTokens(fit.width, fit.height));
        if (fit.resized) {
          assert.equal(fit.width % IMAGE_PATCH_SIZE, 0);
          assert.equal(fit.height % IMAGE_PATCH_SIZE, 0);
          // On the grid, so the server does not resample a second time.
          const grid = serverImageGrid(fit.width, fit.height);
          assert.deepEqual([grid.width, grid.height], [fit.width, fit.height]);
          assert.ok(fit.width * fit.height < w * h * 1.2, 'a resize must not enlarge the image');
        }
      }
    });
  }

  it('uses most of the budget and keeps the aspect ratio for 1920x1080 at 280', () => {
    const fit = fitImageToBudget(1920, 1080, 280);
    assert.ok(fit.tokens > 240 && fit.tokens <= 280, JSON.stringify(fit));
    assert.ok(Math.abs(fit.width / fit.height / (16 / 9) - 1) < 0.05, JSON.stringify(fit));
  });

  it('never enlarges a tiny image itself', () => {
    assert.deepEqual(fitImageToBudget(10, 10, 280), { width: 10, height: 10, tokens: 83, resized: false });
  });
});

describe('media: prepareImage', () => {
  it('shrinks a 1920x1080 PNG screenshot into the default 280-token budget', async () => {
    const input = pngBytes(screenshot(1920, 1080));
    const out = await prepareImage(input);
    assert.equal(out.mime, 'image/png');
    assert.equal(out.sourceFormat, 'png');
    assert.deepEqual([out.originalWidth, out.originalHeight], [1920, 1080]);
    assert.ok(out.resized);
    assert.ok(out.tokens <= 280 && out.tokens > 240, String(out.tokens));
    assert.equal(out.tokens, estimateImageTokens(out.width, out.height));
    const decoded = decodePng(out.data);
    assert.deepEqual([decoded.width, decoded.height], [out.width, out.height]);
    // Quadrant colours survive the resize.
    near(pixel(decoded, Math.floor(out.width / 4) + 5, Math.floor(out.height / 4) + 5), [230, 40, 40, 255], 12);
    near(pixel(decoded, Math.floor((out.width * 3) / 4) + 5, Math.floor((out.height * 3) / 4) + 5), [240, 240, 240, 255], 12);
    assert.ok(out.dataUrl().startsWith('data:image/png;base64,iVBORw0KGgo'));
  });

  it('honours a larger budget', async () => {
    const out = await prepareImage(pngBytes(screenshot(1920, 1080)), { maxTokens: 1122 });
    assert.equal(out.tokens, 922);
  });

  it('averages fine detail instead of aliasing it when shrinking', async () => {
    // One-pixel black/white columns: a nearest-pixel shrink would give solid black or white.
    const stripes = raster(1920, 1080, (x) => (x % 2 === 0 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const out = decodePng((await prepareImage(pngBytes(stripes))).data);
    for (const x of [3, 100, 250, 511, out.width - 4]) {
      const [r] = pixel(out, x, Math.floor(out.height / 2));
      assert.ok(Math.abs(r - 128) < 20, `column ${x} is ${r}, expected mid grey`);
    }
  });

  it('sends a tiny image as it is, without enlarging it', async () => {
    const input = pngBytes(raster(10, 10, () => [10, 20, 30, 255]));
    const out = await prepareImage(input);
    assert.deepEqual([out.width, out.height, out.resized, out.tokens], [10, 10, false, 83]);
    assert.ok(out.data.equals(input), 'an opaque PNG that fits is passed through byte for byte');
  });

  it('keeps JPEG photos as JPEG, resized when too large', async () => {
    const photo = raster(1600, 1200, (x, y) => [(x * 255) / 1600, (y * 255) / 1200, 128, 255]);
    const out = await prepareImage(jpegBytes(photo));
    assert.equal(out.mime, 'image/jpeg');
    assert.equal(out.sourceFormat, 'jpeg');
    assert.ok(out.tokens <= 280);
    const decoded = decodeJpeg(out.data);
    assert.deepEqual([decoded.width, decoded.height], [out.width, out.height]);
    near(pixel(decoded, out.width / 2, out.height / 2), [128, 128, 128, 255], 10);
    assert.ok(out.dataUrl().startsWith('data:image/jpeg;base64,/9j/'));
  });

  it('passes a small JPEG through unchanged', async () => {
    const input = jpegBytes(raster(320, 240, () => [200, 100, 50, 255]));
    const out = await prepareImage(input);
    assert.equal(out.mime, 'image/jpeg');
    assert.ok(out.data.equals(input));
    assert.equal(out.tokens, estimateImageTokens(320, 240));
  });

  it('decodes lossless and lossy WebP', async () => {
    for (const [file, tolerance] of [
      ['halves-lossless.webp', 0],
      ['halves-lossy.webp', 40],
    ] as const) {
      const out = await prepareImage({ path: path.join(FIXTURES, file) });
      assert.equal(out.sourceFormat, 'webp', file);
      assert.equal(out.mime, 'image/png', file);
      const img = decodePng(out.data);
      assert.deepEqual([img.width, img.height], [32, 24], file);
      near(pixel(img, 4, 12), [255, 0, 0, 255], tolerance);
      near(pixel(img, 28, 12), [0, 0, 255, 255], tolerance);
    }
  });

  it('paints WebP transparency onto white', async () => {
    const img = decodePng((await prepareImage({ path: path.join(FIXTURES, 'alpha.webp') })).data);
    near(pixel(img, 4, 4), [0, 255, 0, 255], 0);
    near(pixel(img, 28, 4), [255, 255, 255, 255], 0);
  });

  it('paints PNG transparency onto white and drops the alpha channel', async () => {
    const input = pngBytes(raster(40, 30, (x) => (x < 20 ? [0, 0, 0, 0] : [0, 0, 0, 128])));
    const out = await prepareImage(input);
    assert.ok(!out.data.equals(input));
    assert.equal(out.data[25], 2, 'PNG colour type should be RGB');
    const img = decodePng(out.data);
    near(pixel(img, 5, 5), [255, 255, 255, 255], 0);
    near(pixel(img, 30, 5), [127, 127, 127, 255], 1);
  });

  it('takes the first frame of an animated GIF, transparency onto white', async () => {
    const palette = [0x000000, 0xff0000, 0x0000ff, 0x00ff00];
    const gif = gifBytes(16, 8, palette, [
      { indexes: (x) => (x < 8 ? 1 : 0), transparent: 0 },
      { indexes: () => 2 },
    ]);
    const out = await prepareImage(gif);
    assert.equal(out.sourceFormat, 'gif');
    assert.equal(out.mime, 'image/png');
    const img = decodePng(out.data);
    near(pixel(img, 2, 2), [255, 0, 0, 255], 0);
    near(pixel(img, 12, 2), [255, 255, 255, 255], 0);
  });

  it('detects the format from the bytes, not the file name', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    try {
      const file = path.join(dir, 'screenshot.jpg');
      await fs.writeFile(file, pngBytes(raster(64, 64, () => [1, 2, 3, 255])));
      const out = await prepareImage({ path: file });
      assert.equal(out.sourceFormat, 'png');
      assert.equal(out.mime, 'image/png');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('embeds the same WebP decoder the @cwasm/webp package ships', async () => {
    const shipped = await fs.readFile(require.resolve('@cwasm/webp/webp.wasm'));
    assert.ok(Buffer.from(WEBP_WASM_BASE64, 'base64').equals(shipped));
  });
});

describe('media: prepareImage refuses bad input', () => {
  it('empty bytes and empty files', async () => {
    await rejectsWith(prepareImage(Buffer.alloc(0)), 'empty');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    try {
      const file = path.join(dir, 'empty.png');
      await fs.writeFile(file, '');
      await rejectsWith(prepareImage({ path: file }), 'empty');
      await rejectsWith(prepareImage({ path: path.join(dir, 'missing.png') }), 'unreadable', /no such file/);
      await rejectsWith(prepareImage({ path: dir }), 'unreadable');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('unknown and unsupported formats, named when recognised', async () => {
    await rejectsWith(prepareImage(Buffer.from('hello, this is not an image')), 'unsupported-format', /PNG/);
    await rejectsWith(prepareImage(Buffer.from('BM\x36\x00\x00\x00\x00\x00\x00\x00')), 'unsupported-format', /BMP/);
    await rejectsWith(prepareImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')), 'unsupported-format', /SVG/);
    const avif = Buffer.from('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00', 'latin1');
    await rejectsWith(prepareImage(avif), 'unsupported-format', /AVIF/);
  });

  it('truncated files of every format', async () => {
    const png = pngBytes(screenshot(200, 100));
    const jpg = jpegBytes(screenshot(200, 100));
    const gif = gifBytes(64, 64, [0, 0xffffff], [{ indexes: (x, y) => (x ^ y) & 1 }]);
    const webp = await fs.readFile(path.join(FIXTURES, 'halves-lossy.webp'));
    for (const [name, bytes] of [
      ['png', png],
      ['jpeg', jpg],
      ['gif', gif],
      ['webp', webp],
    ] as const) {
      for (const keep of [0.5, 0.9]) {
        await rejectsWith(prepareImage(bytes.subarray(0, Math.floor(bytes.length * keep))), 'corrupt', new RegExp(name, 'i'));
      }
    }
    // Cut inside the header.
    await rejectsWith(prepareImage(png.subarray(0, 20)), 'corrupt');
    await rejectsWith(prepareImage(jpg.subarray(0, 10)), 'corrupt');
  });

  it('damaged data', async () => {
    const png = Buffer.from(pngBytes(screenshot(200, 100)));
    png[png.length - 20] ^= 0xff; // inside the last IDAT or its checksum
    await rejectsWith(prepareImage(png), 'corrupt');
    const jpg = Buffer.from(jpegBytes(screenshot(200, 100)));
    for (let i = Math.floor(jpg.length / 2); i < jpg.length - 2; i += 7) jpg[i] = 0xff;
    await rejectsWith(prepareImage(jpg), 'corrupt');
  });

  it('decompression bombs, refused from the header before decoding', async () => {
    const started = Date.now();
    await rejectsWith(prepareImage(pngHeaderOnly(100_000, 100_000)), 'too-large', /100000x100000/);
    await rejectsWith(prepareImage(pngHeaderOnly(20_000, 100)), 'too-large');
    await rejectsWith(prepareImage(pngHeaderOnly(9000, 9000)), 'too-large', /megapixels/);
    const jpg = Buffer.from(jpegBytes(raster(8, 8, () => [0, 0, 0, 255])));
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(60000, sof + 5);
    jpg.writeUInt16BE(60000, sof + 7);
    await rejectsWith(prepareImage(jpg), 'too-large');
    const gif = Buffer.from(gifBytes(4, 4, [0, 0xffffff], [{ indexes: () => 1 }]));
    gif.writeUInt16LE(65535, 6);
    gif.writeUInt16LE(65535, 8);
    await rejectsWith(prepareImage(gif), 'too-large');
    assert.ok(Date.now() - started < 2000, 'bombs must be refused without decoding');
  });

  it('a nonsensical budget', async () => {
    const png = pngBytes(raster(10, 10, () => [0, 0, 0, 255]));
    await assert.rejects(prepareImage(png, { maxTokens: Number.NaN }), RangeError);
    await assert.rejects(prepareImage(png, { maxTokens: -1 }), RangeError);
  });

  it('animated WebP', async () => {
    // RIFF/WEBP with a VP8X chunk whose animation flag is set.
    const vp8x = Buffer.alloc(18);
    vp8x.write('VP8X', 0, 'ascii');
    vp8x.writeUInt32LE(10, 4);
    vp8x[8] = 0x02;
    vp8x.writeUIntLE(99, 12, 3);
    vp8x.writeUIntLE(99, 15, 3);
    const anim = Buffer.from('ANIM\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1');
    const body = Buffer.concat([Buffer.from('WEBP'), vp8x, anim]);
    const head = Buffer.alloc(8);
    head.write('RIFF', 0, 'ascii');
    head.writeUInt32LE(body.length, 4);
    await rejectsWith(prepareImage(Buffer.concat([head, body])), 'unsupported-format', /Animated WebP/);
  });
});
