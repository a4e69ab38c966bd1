/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of its APP1 "Exif" segment): how the
 * camera held the sensor, 1 (upright) to 8. Phones store the pixels as the sensor saw them and
 * set this tag instead of turning the image; llama-server ignores it, so a portrait photo would
 * reach the model lying on its side.
 *
 * Nothing else is read. Missing, damaged or out-of-range data means 1: a broken EXIF block
 * must not make a good image fail.
 */

export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

export function readExifOrientation(bytes: Uint8Array): Orientation {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return 1;
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    // Metadata comes before the image data; past a frame or scan header there is none to find.
    if (marker === 0xda || marker === 0xd9 || (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xcc)) return 1;
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (length < 2) return 1;
    const start = pos + 4;
    const end = Math.min(bytes.length, pos + 2 + length);
    if (marker === 0xe1 && isExifHeader(bytes, start, end)) return orientationInTiff(bytes, start + 6, end);
    pos += 2 + length;
  }
  return 1;
}

function isExifHeader(b: Uint8Array, start: number, end: number): boolean {
  // "Exif" and two zero bytes.
  return end - start >= 6 && b[start] === 0x45 && b[start + 1] === 0x78 && b[start + 2] === 0x69 && b[start + 3] === 0x66 && b[start + 4] === 0 && b[start + 5] === 0;
}

/** Reads IFD0 of the TIFF structure in b[tiff, end). */
function orientationInTiff(b: Uint8Array, tiff: number, end: number): Orientation {
  if (end - tiff < 8) return 1;
  let little: boolean;
  if (b[tiff] === 0x49 && b[tiff + 1] === 0x49) little = true;
  else if (b[tiff] === 0x4d && b[tiff + 1] === 0x4d) little = false;
  else return 1;
  const u16 = (at: number) => (little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
  const u32 = (at: number) => (little ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000 : b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]));
  if (u16(tiff + 2) !== 42) return 1;
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== SHORT || u32(entry + 4) < 1) return 1;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}
