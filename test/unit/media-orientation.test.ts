import { strict as assert } from 'node:assert';
import { prepareImage } from '../../engine/media';
import { type Orientation, readExifOrientation } from '../../engine/media/exifOrientation';
import { decodeJpeg, jpegBytes, pixel, raster, type Raster, type Rgba, withExifOrientation } from '../fixtures/media/synth';

const RED: Rgba = [220, 30, 30, 255];
const GREEN: Rgba = [30, 200, 30, 255];
const BLUE: Rgba = [30, 30, 220, 255];
const YELLOW: Rgba = [230, 220, 30, 255];

/** An upright picture that no turn or mirror maps onto itself: four unequal colour fields. */
function sceneColour(width: number, height: number, x: number, y: number): Rgba {
  const left = x < width * 0.625;
  const top = y < height * 0.4;
  return top ? (left ? RED : GREEN) : left ? BLUE : YELLOW;
}

/** Points well inside each field, with the colour expected there. */
function probes(width: number, height: number): [number, number, Rgba][] {
  const xs = [Math.round(width * 0.3), Math.round(width * 0.8)];
  const ys = [Math.round(height * 0.2), Math.round(height * 0.7)];
  return [
    [xs[0], ys[0], RED],
    [xs[1], ys[0], GREEN],
    [xs[0], ys[1], BLUE],
    [xs[1], ys[1], YELLOW],
  ];
}

type Side = 'top' | 'bottom' | 'left' | 'right';
/** The EXIF definition: which side of the shown image the stored first row and first column are. */
const FIRST_ROW_AND_COLUMN: Record<Orientation, [Side, Side]> = {
  1: ['top', 'left'],
  2: ['top', 'right'],
  3: ['bottom', 'right'],
  4: ['bottom', 'left'],
  5: ['left', 'top'],
  6: ['right', 'top'],
  7: ['right', 'bottom'],
  8: ['left', 'bottom'],
};

/** What a camera held that way stores for the upright scene, straight from the table above. */
function asStored(width: number, height: number, orientation: Orientation): Raster {
  const [rowSide, columnSide] = FIRST_ROW_AND_COLUMN[orientation];
  const sideways = rowSide === 'left' || rowSide === 'right';
  const storedW = sideways ? height : width;
  const storedH = sideways ? width : height;
  return raster(storedW, storedH, (c, r) => {
    let x = 0;
    let y = 0;
    if (rowSide === 'top') y = r;
    else if (rowSide === 'bottom') y = height - 1 - r;
    else if (rowSide === 'left') x = r;
    else x = width - 1 - r;
    if (columnSide === 'left') x = c;
    else if (columnSide === 'right') x = width - 1 - c;
    else if (columnSide === 'top') y = c;
    else y = height - 1 - c;
    return sceneColour(width, height, x, y);
  });
}

function near(actual: Rgba, expected: Rgba, tolerance: number, where: string): void {
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${where}: ${actual.join(',')} is not near ${expected.join(',')}`);
}

const ORIENTATIONS: Orientation[] = [1, 2, 3, 4, 5, 6, 7, 8];

describe('media: EXIF orientation is read', () => {
  const plain = jpegBytes(raster(16, 8, () => [90, 90, 90, 255]));

  it('every value, in either byte order', () => {
    for (const value of ORIENTATIONS) {
      assert.equal(readExifOrientation(withExifOrientation(plain, value, 'II')), value);
      assert.equal(readExifOrientation(withExifOrientation(plain, value, 'MM')), value);
    }
  });

  it('means upright when there is none, or it makes no sense', () => {
    assert.equal(readExifOrientation(plain), 1);
    assert.equal(readExifOrientation(withExifOrientation(plain, 0)), 1);
    assert.equal(readExifOrientation(withExifOrientation(plain, 9)), 1);
    assert.equal(readExifOrientation(Buffer.from('not a jpeg at all')), 1);
    assert.equal(readExifOrientation(Buffer.alloc(0)), 1);
  });

  it('never throws on a cut or damaged EXIF block', () => {
    const tagged = withExifOrientation(plain, 6);
    for (let cut = 0; cut < 44; cut++) assert.ok([1, 6].includes(readExifOrientation(tagged.subarray(0, cut))));
    const tiff = 2 + 4 + 6; // after SOI, the APP1 marker and length, and "Exif\0\0"
    const badOffset = Buffer.from(tagged);
    badOffset.writeUInt32LE(0xfffffff0, tiff + 4); // IFD0 far past the end
    assert.equal(readExifOrientation(badOffset), 1);
    const notShort = Buffer.from(tagged);
    notShort.writeUInt16LE(4, tiff + 8 + 2 + 2); // the entry's type: LONG instead of SHORT
    assert.equal(readExifOrientation(notShort), 1);
  });

  it('finds the Exif segment behind other APP1 data (XMP)', () => {
    const xmp = Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>', 'latin1');
    const segment = Buffer.alloc(4);
    segment.writeUInt16BE(0xffe1, 0);
    segment.writeUInt16BE(xmp.length + 2, 2);
    const tagged = withExifOrientation(plain, 8);
    const withXmp = Buffer.concat([tagged.subarray(0, 2), segment, xmp, tagged.subarray(2)]);
    assert.equal(readExifOrientation(withXmp), 8);
  });
});

describe('media: photos come out upright', () => {
  for (const orientation of ORIENTATIONS) {
    it(`orientation ${orientation}`, async () => {
      const [width, height] = [64, 40];
      const stored = asStored(width, height, orientation);
      const out = await prepareImage(withExifOrientation(jpegBytes(stored, 95), orientation, orientation % 2 ? 'II' : 'MM'));
      assert.equal(out.mime, 'image/jpeg');
      assert.deepEqual([out.width, out.height, out.originalWidth, out.originalHeight], [width, height, width, height]);
      const shown = decodeJpeg(out.data);
      assert.deepEqual([shown.width, shown.height], [width, height]);
      for (const [x, y, colour] of probes(width, height)) near(pixel(shown, x, y), colour, 30, `(${x}, ${y})`);
      // Upright photos that fit are sent as they are; turned ones must be re-encoded.
      assert.equal(out.data.equals(withExifOrientation(jpegBytes(stored, 95), orientation, orientation % 2 ? 'II' : 'MM')), orientation === 1);
    });
  }

  it('a portrait photo stored sideways is decoded small, turned, then fitted', async () => {
    const stored = asStored(1200, 1600, 6); // 1600x1200 as stored
    const out = await prepareImage(withExifOrientation(jpegBytes(stored), 6), { maxTokens: 100 });
    assert.ok(out.resized);
    assert.deepEqual([out.originalWidth, out.originalHeight], [1200, 1600]);
    assert.ok(out.height > out.width, `${out.width}x${out.height} should be portrait`);
    const shown = decodeJpeg(out.data);
    for (const [x, y, colour] of probes(out.width, out.height)) near(pixel(shown, x, y), colour, 30, `(${x}, ${y})`);
  });
});
