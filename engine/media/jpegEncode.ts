import type { RgbaImage } from './imageDecode';

/**
 * A baseline JPEG encoder for the resized photos sent to the server: YCbCr with chroma at
 * half resolution both ways (4:2:0, what cameras write), the example tables of the JPEG
 * standard (ITU-T T.81 Annex K) scaled by quality as libjpeg does, a floating-point AAN DCT.
 * It writes into one growing byte array; jpeg-js builds an array of numbers and spent more
 * time than decoding a 12 MP photo at reduced scale.
 */

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43,
  36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

// Annex K.1, natural order.
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24,
  35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

// Annex K.3: code counts per length 1..16, then the symbols.
const DC_LUMA = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1,
    0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37,
    0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
    0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
    0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3,
    0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1,
    0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36,
    0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a,
    0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
    0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

/** The AAN DCT's output scale per frequency (libjpeg's aanscalefactor). */
const AAN = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

interface HuffmanCodes {
  code: Int32Array;
  size: Int32Array;
}

function huffmanCodes(spec: { counts: number[]; symbols: number[] }): HuffmanCodes {
  const code = new Int32Array(256);
  const size = new Int32Array(256);
  let next = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < spec.counts[length - 1]; i++, k++, next++) {
      code[spec.symbols[k]] = next;
      size[spec.symbols[k]] = length;
    }
    next <<= 1;
  }
  return { code, size };
}

const CODES = {
  dcLuma: huffmanCodes(DC_LUMA),
  acLuma: huffmanCodes(AC_LUMA),
  dcChroma: huffmanCodes(DC_CHROMA),
  acChroma: huffmanCodes(AC_CHROMA),
};

/** libjpeg's quality scaling (jcparam.c), natural order. */
function quantTable(base: number[], quality: number): Uint8Array {
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  return Uint8Array.from(base, (v) => Math.max(1, Math.min(255, Math.floor((v * scale + 50) / 100))));
}

/** Multipliers that turn AAN DCT output into quantised coefficients. */
function divisors(table: Uint8Array): Float64Array {
  const d = new Float64Array(64);
  for (let row = 0; row < 8; row++) for (let col = 0; col < 8; col++) d[row * 8 + col] = 1 / (table[row * 8 + col] * AAN[row] * AAN[col] * 8);
  return d;
}

class ByteWriter {
  bytes: Uint8Array;
  length = 0;
  private bits = 0;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(b: number): void {
    this.bytes[this.length++] = b;
  }

  word(w: number): void {
    this.bytes[this.length++] = w >> 8;
    this.bytes[this.length++] = w & 0xff;
  }

  /** Entropy-coded bits, 0xFF bytes stuffed with a zero. At most 16 bits a call. */
  put(value: number, size: number): void {
    this.bits = (this.bits << size) | value;
    this.count += size;
    while (this.count >= 8) {
      const b = (this.bits >>> (this.count - 8)) & 0xff;
      this.bytes[this.length++] = b;
      if (b === 0xff) this.bytes[this.length++] = 0;
      this.count -= 8;
    }
  }

  /** Pads the last byte with one bits, as the standard asks. */
  flushBits(): void {
    if (this.count > 0) this.put((1 << (8 - this.count)) - 1, 8 - this.count);
  }
}

/** Encodes an opaque RGBA image (alpha is ignored) as a baseline 4:2:0 JPEG. */
export function encodeJpeg(image: RgbaImage, quality: number): Buffer {
  const { width, height, data } = image;
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw new RangeError(`Cannot encode a ${width}x${height} JPEG.`);
  const lumaTable = quantTable(LUMA_QUANT, quality);
  const chromaTable = quantTable(CHROMA_QUANT, quality);
  const out = new ByteWriter(Math.max(4096, Math.ceil(width * height * 0.5)));

  out.word(0xffd8);
  // JFIF APP0: version 1.1, no density, no thumbnail.
  out.word(0xffe0);
  out.word(16);
  for (const b of [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]) out.byte(b);
  out.word(0xffdb);
  out.word(2 + 65 * 2);
  for (const [id, table] of [lumaTable, chromaTable].entries()) {
    out.byte(id);
    for (let k = 0; k < 64; k++) out.byte(table[ZIGZAG[k]]);
  }
  out.word(0xffc0);
  out.word(17);
  out.byte(8);
  out.word(height);
  out.word(width);
  out.byte(3);
  for (const [id, sampling, table] of [
    [1, 0x22, 0],
    [2, 0x11, 1],
    [3, 0x11, 1],
  ]) {
    out.byte(id);
    out.byte(sampling);
    out.byte(table);
  }
  const specs = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ] as const;
  out.word(0xffc4);
  out.word(2 + specs.reduce((n, [, s]) => n + 17 + s.symbols.length, 0));
  for (const [id, spec] of specs) {
    out.byte(id);
    for (const c of spec.counts) out.byte(c);
    for (const s of spec.symbols) out.byte(s);
  }
  out.word(0xffda);
  out.word(12);
  out.byte(3);
  for (const [id, tables] of [
    [1, 0x00],
    [2, 0x11],
    [3, 0x11],
  ]) {
    out.byte(id);
    out.byte(tables);
  }
  out.byte(0);
  out.byte(63);
  out.byte(0);

  const lumaDiv = divisors(lumaTable);
  const chromaDiv = divisors(chromaTable);
  const y = new Float64Array(256);
  const cb = new Float64Array(64);
  const cr = new Float64Array(64);
  const block = new Float64Array(64);
  const coef = new Int32Array(64);
  let predY = 0;
  let predCb = 0;
  let predCr = 0;

  for (let my = 0; my < height; my += 16) {
    for (let mx = 0; mx < width; mx += 16) {
      // The 16x16 area, edges repeated past the image; chroma as 2x2 averages.
      cb.fill(0);
      cr.fill(0);
      for (let row = 0; row < 16; row++) {
        const sy = Math.min(my + row, height - 1);
        for (let col = 0; col < 16; col++) {
          const sx = Math.min(mx + col, width - 1);
          const p = (sy * width + sx) * 4;
          const r = data[p];
          const g = data[p + 1];
          const b = data[p + 2];
          // Four 8x8 luma blocks in raster order, each laid out row by row.
          y[((row >> 3) * 2 + (col >> 3)) * 64 + (row & 7) * 8 + (col & 7)] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
          const c = (row >> 1) * 8 + (col >> 1);
          cb[c] += -0.168736 * r - 0.331264 * g + 0.5 * b;
          cr[c] += 0.5 * r - 0.418688 * g - 0.081312 * b;
        }
      }
      out.room(4 * 1024);
      for (let i = 0; i < 4; i++) {
        block.set(y.subarray(i * 64, i * 64 + 64));
        predY = encodeBlock(out, block, coef, lumaDiv, predY, CODES.dcLuma, CODES.acLuma);
      }
      for (let i = 0; i < 64; i++) block[i] = cb[i] / 4;
      predCb = encodeBlock(out, block, coef, chromaDiv, predCb, CODES.dcChroma, CODES.acChroma);
      for (let i = 0; i < 64; i++) block[i] = cr[i] / 4;
      predCr = encodeBlock(out, block, coef, chromaDiv, predCr, CODES.dcChroma, CODES.acChroma);
    }
  }
  out.flushBits();
  out.room(2);
  out.word(0xffd9);
  return Buffer.from(out.bytes.buffer, 0, out.length);
}

/** DCT, quantisation and Huffman coding of one block; returns its DC value for the next. */
function encodeBlock(out: ByteWriter, d: Float64Array, coef: Int32Array, div: Float64Array, pred: number, dc: HuffmanCodes, ac: HuffmanCodes): number {
  fdct(d);
  for (let i = 0; i < 64; i++) coef[i] = Math.round(d[i] * div[i]);
  const value = coef[0];
  const diff = value - pred;
  let size = diff === 0 ? 0 : 32 - Math.clz32(Math.abs(diff));
  out.put(dc.code[size], dc.size[size]);
  if (size) out.put((diff < 0 ? diff - 1 : diff) & ((1 << size) - 1), size);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const v = coef[ZIGZAG[k]];
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      out.put(ac.code[0xf0], ac.size[0xf0]);
      run -= 16;
    }
    size = 32 - Math.clz32(Math.abs(v));
    const symbol = (run << 4) | size;
    out.put(ac.code[symbol], ac.size[symbol]);
    out.put((v < 0 ? v - 1 : v) & ((1 << size) - 1), size);
    run = 0;
  }
  if (run > 0) out.put(ac.code[0], ac.size[0]);
  return value;
}

/** libjpeg's floating-point AAN forward DCT (jfdctflt.c), in place; outputs are scaled by 8 and AAN factors. */
function fdct(d: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 1 : 8;
    const next = pass === 0 ? 8 : 1;
    for (let line = 0, base = 0; line < 8; line++, base += next) {
      const i0 = base;
      const i1 = base + step;
      const i2 = base + 2 * step;
      const i3 = base + 3 * step;
      const i4 = base + 4 * step;
      const i5 = base + 5 * step;
      const i6 = base + 6 * step;
      const i7 = base + 7 * step;
      const t0 = d[i0] + d[i7];
      const t7 = d[i0] - d[i7];
      const t1 = d[i1] + d[i6];
      const t6 = d[i1] - d[i6];
      const t2 = d[i2] + d[i5];
      const t5 = d[i2] - d[i5];
      const t3 = d[i3] + d[i4];
      const t4 = d[i3] - d[i4];

      const t10 = t0 + t3;
      const t13 = t0 - t3;
      const t11 = t1 + t2;
      const t12 = t1 - t2;
      d[i0] = t10 + t11;
      d[i4] = t10 - t11;
      const z1 = (t12 + t13) * 0.707106781;
      d[i2] = t13 + z1;
      d[i6] = t13 - z1;

      const o10 = t4 + t5;
      const o11 = t5 + t6;
      const o12 = t6 + t7;
      const z5 = (o10 - o12) * 0.382683433;
      const z2 = 0.5411961 * o10 + z5;
      const z4 = 1.306562965 * o12 + z5;
      const z3 = o11 * 0.707106781;
      const z11 = t7 + z3;
      const z13 = t7 - z3;
      d[i5] = z13 + z2;
      d[i3] = z13 - z2;
      d[i1] = z11 + z4;
      d[i7] = z11 - z4;
    }
  }
}
