import { strict as assert } from 'node:assert';
import { compareImages, compareRasters, visualSimilarity } from '../../agent/screenshotToCode';
import { jpegBytes, pngBytes, raster, type Raster, type Rgba } from '../fixtures/media/synth';

const W = 320;
const H = 240;

interface PageVariant {
  /** Everything but the header moved right by this many pixels. */
  shift?: number;
  header?: Rgba;
  button?: Rgba;
  buttonTop?: number;
  blank?: boolean;
  width?: number;
  height?: number;
}

/** A small app screen: header bar, two lines of "text", a button and a side panel. */
function page(variant: PageVariant = {}): Raster {
  const width = variant.width ?? W;
  const height = variant.height ?? H;
  const sx = width / W;
  const sy = height / H;
  return raster(width, height, (px, py) => {
    const x = px / sx - (variant.shift ?? 0);
    const y = py / sy;
    if (variant.blank) return [255, 255, 255, 255];
    if (y < 40) return variant.header ?? [30, 60, 160, 255];
    const glyph = Math.floor(x) % 7 < 5;
    if (y >= 60 && y < 66 && x >= 20 && x < 220 && glyph) return [20, 20, 20, 255];
    if (y >= 80 && y < 86 && x >= 20 && x < 170 && glyph) return [20, 20, 20, 255];
    const top = variant.buttonTop ?? 110;
    if (y >= top && y < top + 40 && x >= 20 && x < 120) return variant.button ?? [220, 60, 40, 255];
    if (x >= 200 && x < 300 && y >= 60 && y < 220) return [235, 235, 235, 255];
    return [255, 255, 255, 255];
  });
}

describe('screenshot to code: visual similarity', () => {
  const reference = page();
  const score = (candidate: Raster): number => compareRasters(reference, candidate).score;

  it('scores identical images 1, from rasters and from encoded files', () => {
    assert.equal(score(page()), 1);
    const png = pngBytes(reference);
    assert.equal(visualSimilarity(png, Buffer.from(png)), 1);
  });

  it('orders differences as a person would: slight shift, wrong colour, moved block, blank page', () => {
    const scores = {
      shifted2: score(page({ shift: 2 })),
      shifted8: score(page({ shift: 8 })),
      buttonRecoloured: score(page({ button: [40, 120, 60, 255] })),
      headerRecoloured: score(page({ header: [160, 40, 40, 255] })),
      buttonMoved: score(page({ buttonTop: 170 })),
      blank: score(page({ blank: true })),
    };
    const { shifted2, shifted8, buttonRecoloured, headerRecoloured, buttonMoved, blank } = scores;
    const all = JSON.stringify(scores);
    assert.ok(shifted2 < 1 && shifted2 > shifted8, all);
    assert.ok(buttonRecoloured < 1 && buttonRecoloured > headerRecoloured, `a small area recoloured costs less than a large one: ${all}`);
    assert.ok(shifted2 > headerRecoloured, `a 2-pixel shift costs less than a wrong header colour: ${all}`);
    assert.ok(headerRecoloured > buttonMoved, `a wrong colour costs less than a wrong layout: ${all}`);
    for (const [name, value] of Object.entries(scores)) {
      if (name !== 'blank') assert.ok(blank < value - 0.2, `a blank page scores far below ${name}: ${all}`);
    }
    assert.ok(blank < 0.6, all);
  });

  it('sees a hue change that keeps the brightness, through the colour term', () => {
    // Same luma (about 100), very different hue.
    const report = compareRasters(page({ header: [190, 70, 40, 255] }), page({ header: [30, 118, 160, 255] }));
    assert.ok(report.structure > 0.97, JSON.stringify(report));
    assert.ok(report.colour < 0.9, JSON.stringify(report));
  });

  it('compares at one size: a larger render of the same page scores near 1', () => {
    const report = compareRasters(page(), page({ width: 640, height: 480 }));
    assert.deepEqual([report.width, report.height], [256, 192]);
    assert.ok(report.score > 0.9, JSON.stringify(report));
    assert.ok(report.score > compareRasters(page(), page({ header: [160, 40, 40, 255] })).score);
  });

  it('counts a different aspect as distortion', () => {
    const squashed = compareRasters(page(), page({ width: 320, height: 160 })).score;
    assert.ok(squashed < 0.95, String(squashed));
  });

  it('treats transparency as white and reads JPEG', () => {
    const transparent = raster(W, H, () => [0, 0, 0, 0]);
    assert.equal(compareRasters(page({ blank: true }), transparent).score, 1);
    const jpeg = compareImages(pngBytes(reference), jpegBytes(reference, 90));
    assert.ok(jpeg.score > 0.9, JSON.stringify(jpeg));
  });

  it('copes with images smaller than one window', () => {
    const tiny = raster(3, 5, () => [10, 200, 10, 255]);
    assert.equal(compareRasters(tiny, tiny).score, 1);
    assert.ok(compareRasters(tiny, raster(3, 5, () => [255, 255, 255, 255])).score < 0.5);
  });

  it('does not change its inputs', () => {
    const a = raster(16, 16, () => [0, 0, 0, 0]);
    const before = Buffer.from(a.data);
    compareRasters(a, page());
    assert.deepEqual(Buffer.from(a.data), before);
  });

  it('compares two 1280x800 screenshots in well under a second', () => {
    const big = pngBytes(page({ width: 1280, height: 800 }));
    const other = pngBytes(page({ width: 1280, height: 800, header: [160, 40, 40, 255] }));
    const started = performance.now();
    visualSimilarity(big, other);
    const ms = performance.now() - started;
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  });
});
