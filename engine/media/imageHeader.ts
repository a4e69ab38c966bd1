import { MediaError } from './errors';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Animated WebP cannot be decoded frame by frame here; GIF can (first frame). */
  animated: boolean;
}

/** Largest side and pixel count decoded: a screenshot of several 8K displays still fits. */
export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 50_000_000;

const SUPPORTED = 'PNG, JPEG, WebP or GIF';

/** The format from the leading bytes; file names and MIME types are not trusted. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return undefined;
}

/** A name for formats we recognise but do not take, so the message can say what it got. */
function otherFormatName(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 2) === 'BM') return 'BMP';
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'TIFF';
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand.startsWith('avi')) return 'AVIF';
    if (brand.startsWith('hei') || brand.startsWith('mif') || brand.startsWith('hev')) return 'HEIC';
    return 'MP4/HEIF';
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ICO';
  if (ascii(bytes, 0, 4) === '%PDF') return 'PDF';
  if (ascii(bytes, 0, 4) === 'RIFF') return `RIFF/${ascii(bytes, 8, 4).trim() || '?'}`;
  const text = ascii(bytes, 0, Math.min(bytes.length, 256)).trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'SVG';
  return undefined;
}

/**
 * Format and size from the header alone, so absurd sizes (decompression bombs) are refused
 * before a decoder allocates anything.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffImageFormat(bytes);
  if (!format) {
    const other = otherFormatName(bytes);
    throw new MediaError(
      'unsupported-format',
      other
        ? `${other} images are not supported. Save or copy the image as ${SUPPORTED}.`
        : `This is not an image in a known format (its first bytes match no ${SUPPORTED} signature). Save or copy it as PNG.`,
    );
  }
  const size = readSize(format, bytes);
  if (size.width <= 0 || size.height <= 0) {
    throw new MediaError('corrupt', `The ${label(format)} header says the image is ${size.width}x${size.height} pixels; the file is damaged.`);
  }
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new MediaError(
      'too-large',
      `The ${label(format)} image is ${size.width}x${size.height} pixels; at most ${MAX_IMAGE_SIDE} pixels a side and ` +
        `${MAX_IMAGE_PIXELS / 1_000_000} megapixels are accepted. Crop it or capture a smaller area.`,
    );
  }
  return { format, ...size };
}

export function label(format: ImageFormat): string {
  return format === 'jpeg' ? 'JPEG' : format === 'webp' ? 'WebP' : format.toUpperCase();
}

function readSize(format: ImageFormat, b: Uint8Array): { width: number; height: number; animated: boolean } {
  switch (format) {
    case 'png':
      return pngSize(b);
    case 'gif':
      return gifSize(b);
    case 'jpeg':
      return jpegSize(b);
    case 'webp':
      return webpSize(b);
  }
}

function truncated(format: ImageFormat): MediaError {
  return new MediaError('corrupt', `The ${label(format)} file ends inside its header: it is truncated or damaged.`);
}

function pngSize(b: Uint8Array) {
  if (b.length < 33) throw truncated('png');
  if (ascii(b, 12, 4) !== 'IHDR') {
    throw new MediaError('corrupt', 'The PNG file has no IHDR header chunk where it must be: it is damaged.');
  }
  const view = dataView(b);
  // acTL before IDAT marks an APNG; its default image is still a plain PNG frame.
  return { width: view.getUint32(16), height: view.getUint32(20), animated: false };
}

function gifSize(b: Uint8Array) {
  if (b.length < 13) throw truncated('gif');
  const view = dataView(b);
  return { width: view.getUint16(6, true), height: view.getUint16(8, true), animated: false };
}

function jpegSize(b: Uint8Array) {
  const view = dataView(b);
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) {
      throw new MediaError('corrupt', `The JPEG file has a broken marker at byte ${pos}: it is damaged.`);
    }
    const marker = b[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan before any frame header
    const length = view.getUint16(pos + 2);
    if (length < 2) throw new MediaError('corrupt', `The JPEG file has a segment of length ${length}: it is damaged.`);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (pos + 9 > b.length) throw truncated('jpeg');
      const height = view.getUint16(pos + 5);
      const width = view.getUint16(pos + 7);
      if (height === 0) {
        throw new MediaError('unsupported-format', 'This JPEG gives its height only after the image data (DNL marker), which is not supported. Re-save it as PNG or JPEG.');
      }
      return { width, height, animated: false };
    }
    pos += 2 + length;
  }
  if (pos + 4 > b.length) throw truncated('jpeg');
  throw new MediaError('corrupt', 'The JPEG file has no frame header (SOF) before its image data: it is damaged.');
}

function webpSize(b: Uint8Array) {
  if (b.length < 30) throw truncated('webp');
  const view = dataView(b);
  const chunk = ascii(b, 12, 4);
  const data = 20;
  if (chunk === 'VP8X') {
    const flags = b[data];
    const width = 1 + (b[data + 4] | (b[data + 5] << 8) | (b[data + 6] << 16));
    const height = 1 + (b[data + 7] | (b[data + 8] << 8) | (b[data + 9] << 16));
    return { width, height, animated: (flags & 0x02) !== 0 };
  }
  if (chunk === 'VP8L') {
    if (b[data] !== 0x2f) throw new MediaError('corrupt', 'The lossless WebP data has a wrong signature: the file is damaged.');
    const bits = view.getUint32(data + 1, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff), animated: false };
  }
  if (chunk === 'VP8 ') {
    if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) {
      throw new MediaError('corrupt', 'The lossy WebP data has a wrong start code: the file is damaged.');
    }
    return { width: view.getUint16(data + 6, true) & 0x3fff, height: view.getUint16(data + 8, true) & 0x3fff, animated: false };
  }
  throw new MediaError('corrupt', `The WebP file starts with an unknown "${chunk}" chunk: it is damaged or of a newer kind.`);
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  return sig.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, start: number, length: number): string {
  if (start + length > b.length) return '';
  return String.fromCharCode(...b.subarray(start, start + length));
}

function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
