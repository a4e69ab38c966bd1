import type { RgbaImage } from './imageDecode';

/**
 * A JPEG decoder that can decode at 1/2, 1/4 or 1/8 of the size, for photos far larger than
 * what is sent. jpeg-js decodes every pixel of a 48 MP photo into full-size planes (over a
 * gigabyte, many seconds); this one turns each 8x8 block straight into its share of the smaller
 * image, so memory follows the output size and the inverse DCT mostly disappears.
 *
 * Each smaller pixel is the exact average of the source pixels it covers (a box filter),
 * computed from the DCT coefficients: averaging is linear, so each coefficient adds its basis
 * function's average over the pixel's area, a constant per coefficient and output position.
 * At 1/8 that is the DC term alone. Chroma planes that are subsampled are decoded at twice the
 * scale instead of being enlarged afterwards, so colour stays as sharp as the format allows.
 *
 * Baseline and progressive Huffman JPEGs with 1 (grey) or 3 (YCbCr, or RGB per Adobe) components
 * are decoded here; anything else (CMYK, arithmetic coding, 12-bit, lossless, odd sampling)
 * returns undefined for the caller to hand to a general decoder. Damaged data throws.
 */

export type JpegScale = 1 | 2 | 4 | 8;

/** Zigzag position to natural (row-major) position in an 8x8 block. */
const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43,
  36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

const LOOKUP_BITS = 9;

interface HuffmanTable {
  /** By the next 9 bits: (code length << 8) | symbol, or 0 when the code is longer. */
  lookup: Uint16Array;
  /** Largest code of each length (index 1..16), -1 when there is none. */
  maxCode: Int32Array;
  /** Added to a code of that length to index `symbols`. */
  offset: Int32Array;
  symbols: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** Blocks per line and column over whole MCUs (the interleaved layout). */
  blocksX: number;
  blocksY: number;
  /** Blocks that hold image data (a scan of this component alone codes only these). */
  codedX: number;
  codedY: number;
  /** Plane samples per block, and output pixels per plane sample. */
  nx: number;
  ny: number;
  repX: number;
  repY: number;
  planeWidth: number;
  plane: Uint8ClampedArray;
  /** Per coefficient (natural order), its contribution to each plane sample of the block, dequantised. */
  weights?: Float64Array;
  /** Progressive frames keep every coefficient until the last scan. */
  coefficients?: Int16Array;
  predictor: number;
  scanned: boolean;
}

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  components: Component[];
  mcusX: number;
  mcusY: number;
}

class Unsupported extends Error {}

function damaged(message: string): Error {
  return new Error(message);
}

/** Decodes at 1/`scale` of the size (rounded up); undefined when the file needs another decoder. */
export function decodeJpegScaled(bytes: Uint8Array, scale: JpegScale): RgbaImage | undefined {
  try {
    return new ScaledJpegDecoder(bytes, scale).decode();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

/** Reads entropy-coded bits; past a marker or the end it supplies zeros and counts them. */
class BitReader {
  buf = 0;
  count = 0;
  /** Zero bits supplied that are not in the file; reading any of them means data is missing. */
  fake = 0;

  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  fill(): void {
    const d = this.data;
    while (this.count <= 24) {
      let byte = 0;
      if (this.fake === 0 && this.pos < d.length) {
        byte = d[this.pos];
        if (byte !== 0xff) this.pos++;
        else if (this.pos + 1 < d.length && d[this.pos + 1] === 0) this.pos += 2;
        else {
          byte = 0;
          this.fake = 8;
        }
      } else {
        this.fake += 8;
      }
      this.buf = (this.buf << 8) | byte;
      this.count += 8;
    }
  }

  /** True once bits that are not in the file were used. */
  overrun(): boolean {
    return this.fake > this.count;
  }

  decode(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const entry = table.lookup[(this.buf >>> (this.count - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)];
    if (entry !== 0) {
      this.count -= entry >> 8;
      return entry & 0xff;
    }
    const code16 = (this.buf >>> (this.count - 16)) & 0xffff;
    for (let length = LOOKUP_BITS + 1; length <= 16; length++) {
      const code = code16 >>> (16 - length);
      if (code <= table.maxCode[length]) {
        this.count -= length;
        return table.symbols[code + table.offset[length]];
      }
    }
    throw damaged('The JPEG data holds a code its Huffman table does not have.');
  }

  bits(n: number): number {
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    if (this.count < 1) this.fill();
    this.count--;
    return (this.buf >>> this.count) & 1;
  }

  /** A magnitude category's bits as a signed value (JPEG's EXTEND). */
  signed(size: number): number {
    const v = this.bits(size);
    return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
  }
}

function buildHuffman(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const offset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1];
    offset[length] = k - code;
    for (let i = 0; i < n; i++, code++, k++) {
      if (length <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - length;
        const entry = (length << 8) | symbols[k];
        for (let fill = code << shift, end = (code + 1) << shift; fill < end; fill++) lookup[fill] = entry;
      }
    }
    if (n > 0) maxCode[length] = code - 1;
    if (code > 1 << length) throw damaged('The JPEG file has a Huffman table with more codes than fit.');
    code <<= 1;
  }
  return { lookup, maxCode, offset, symbols };
}

/**
 * The average over output sample i (of n across the block) of 1-D basis function u, with
 * JPEG's C(u)/2 scaling, so that 2-D products give pixel values.
 */
function basisAverage(n: number, i: number, u: number): number {
  const group = 8 / n;
  let sum = 0;
  for (let x = i * group; x < (i + 1) * group; x++) sum += Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return ((u === 0 ? Math.SQRT1_2 : 1) / 2) * (sum / group);
}

const basisCache = new Map<number, Float64Array>();

/** For each natural coefficient index, its weight in each of the nx*ny samples of the block. */
function basis(nx: number, ny: number): Float64Array {
  const key = nx * 16 + ny;
  const cached = basisCache.get(key);
  if (cached) return cached;
  const n = nx * ny;
  const table = new Float64Array(64 * n);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      for (let i = 0; i < ny; i++) {
        for (let j = 0; j < nx; j++) table[(v * 8 + u) * n + i * nx + j] = basisAverage(ny, i, v) * basisAverage(nx, j, u);
      }
    }
  }
  basisCache.set(key, table);
  return table;
}

class ScaledJpegDecoder {
  private readonly quant: (Uint16Array | undefined)[] = [];
  private readonly dcTables: (HuffmanTable | undefined)[] = [];
  private readonly acTables: (HuffmanTable | undefined)[] = [];
  private frame?: Frame;
  private restartInterval = 0;
  private adobeTransform?: number;
  private eobRun = 0;
  private readonly acc = new Float64Array(64);

  constructor(
    private readonly data: Uint8Array,
    private readonly scale: JpegScale,
  ) {}

  decode(): RgbaImage {
    const d = this.data;
    if (d.length < 4 || d[0] !== 0xff || d[1] !== 0xd8) throw damaged('The file does not start like a JPEG.');
    let pos = 2;
    for (;;) {
      if (pos + 1 >= d.length) {
        // No end marker: fine when every component was decoded (some writers drop it).
        if (this.frame && this.frame.components.every((c) => c.scanned)) break;
        throw damaged('The JPEG file ends before its image data does: it is truncated.');
      }
      if (d[pos] !== 0xff) {
        pos++; // stray bytes between segments: skipped, as libjpeg does
        continue;
      }
      const marker = d[pos + 1];
      pos += 2;
      if (marker === 0xff) {
        pos--; // fill byte
        continue;
      }
      if (marker === 0xd9) break;
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
      if (marker === 0xd8) throw damaged('The JPEG file has a second start marker: it is damaged.');
      if (pos + 2 > d.length) throw damaged('The JPEG file ends inside a segment: it is truncated.');
      const length = (d[pos] << 8) | d[pos + 1];
      const start = pos + 2;
      const end = pos + length;
      if (length < 2 || end > d.length) throw damaged('The JPEG file ends inside a segment: it is truncated.');
      const segment = d.subarray(start, end);
      if (marker === 0xda) {
        pos = this.scan(segment, end);
        continue;
      }
      if (marker === 0xdb) this.readQuant(segment);
      else if (marker === 0xc4) this.readHuffman(segment);
      else if (marker === 0xdd) this.restartInterval = length >= 4 ? (segment[0] << 8) | segment[1] : 0;
      else if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) this.readFrame(segment, marker === 0xc2);
      else if (marker >= 0xc3 && marker <= 0xcf) throw new Unsupported(); // lossless, hierarchical, arithmetic
      else if (marker === 0xee && segment.length >= 12 && String.fromCharCode(...segment.subarray(0, 5)) === 'Adobe') this.adobeTransform = segment[11];
      pos = end;
    }
    const frame = this.frame;
    if (!frame) throw damaged('The JPEG file has no frame header.');
    for (const c of frame.components) {
      if (!c.scanned) throw damaged('The JPEG file lacks the data of one of its colour components.');
      if (c.coefficients) this.transformAll(c);
    }
    return this.toRgba(frame);
  }

  private readQuant(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      const precision = s[p] >> 4;
      const id = s[p] & 15;
      if (id > 3 || precision > 1) throw damaged('The JPEG file has a malformed quantisation table.');
      const size = precision ? 128 : 64;
      if (p + 1 + size > s.length) throw damaged('The JPEG file has a cut quantisation table.');
      const table = new Uint16Array(64);
      for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = precision ? (s[p + 1 + 2 * k] << 8) | s[p + 2 + 2 * k] : s[p + 1 + k];
      this.quant[id] = table;
      p += 1 + size;
    }
  }

  private readHuffman(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      const cls = s[p] >> 4;
      const id = s[p] & 15;
      if (cls > 1 || id > 3 || p + 17 > s.length) throw damaged('The JPEG file has a malformed Huffman table.');
      const counts = s.subarray(p + 1, p + 17);
      let total = 0;
      for (let i = 0; i < 16; i++) total += counts[i];
      if (p + 17 + total > s.length || total > 256) throw damaged('The JPEG file has a cut Huffman table.');
      const table = buildHuffman(counts, s.slice(p + 17, p + 17 + total));
      (cls === 0 ? this.dcTables : this.acTables)[id] = table;
      p += 17 + total;
    }
  }

  private readFrame(s: Uint8Array, progressive: boolean): void {
    if (this.frame) throw damaged('The JPEG file has more than one frame.');
    if (s.length < 6) throw damaged('The JPEG frame header is cut short.');
    if (s[0] !== 8) throw new Unsupported();
    const height = (s[1] << 8) | s[2];
    const width = (s[3] << 8) | s[4];
    const count = s[5];
    if (width === 0 || height === 0) throw new Unsupported();
    if (count !== 1 && count !== 3) throw new Unsupported();
    if (s.length < 6 + count * 3) throw damaged('The JPEG frame header is cut short.');
    const raw: { id: number; h: number; v: number; quantTable: number }[] = [];
    for (let i = 0; i < count; i++) {
      const q = s[8 + i * 3];
      raw.push({ id: s[6 + i * 3], h: s[7 + i * 3] >> 4, v: s[7 + i * 3] & 15, quantTable: q });
      if (q > 3) throw damaged('The JPEG frame names a quantisation table that cannot exist.');
    }
    // A single component is always coded one block per MCU, whatever its factors say.
    if (count === 1) raw[0].h = raw[0].v = 1;
    const hMax = Math.max(...raw.map((c) => c.h));
    const vMax = Math.max(...raw.map((c) => c.v));
    const ratioOk = (max: number, f: number) => f >= 1 && f <= 4 && max % f === 0 && [1, 2, 4].includes(max / f);
    if (!raw.every((c) => ratioOk(hMax, c.h) && ratioOk(vMax, c.v))) throw new Unsupported();

    const scale = this.scale;
    const mcusX = Math.ceil(width / (8 * hMax));
    const mcusY = Math.ceil(height / (8 * vMax));
    const components = raw.map((c): Component => {
      const blocksX = mcusX * c.h;
      const blocksY = mcusY * c.v;
      // Output pixels one block covers; at most 8 samples are computed, the rest repeated.
      const px = (8 * (hMax / c.h)) / scale;
      const py = (8 * (vMax / c.v)) / scale;
      const nx = Math.min(8, px);
      const ny = Math.min(8, py);
      const planeWidth = blocksX * nx;
      return {
        ...c,
        blocksX,
        blocksY,
        codedX: Math.ceil(Math.ceil((width * c.h) / hMax) / 8),
        codedY: Math.ceil(Math.ceil((height * c.v) / vMax) / 8),
        nx,
        ny,
        repX: px / nx,
        repY: py / ny,
        planeWidth,
        plane: new Uint8ClampedArray(planeWidth * blocksY * ny),
        coefficients: progressive ? new Int16Array(blocksX * blocksY * 64) : undefined,
        predictor: 0,
        scanned: false,
      };
    });
    this.frame = { width, height, progressive, components, mcusX, mcusY };
  }

  /** The dequantised weights of a component, fixed at its first scan (as libjpeg does). */
  private weightsOf(c: Component): Float64Array {
    if (c.weights) return c.weights;
    const q = this.quant[c.quantTable];
    if (!q) throw damaged('The JPEG file uses a quantisation table it never defines.');
    const b = basis(c.nx, c.ny);
    const n = c.nx * c.ny;
    const w = new Float64Array(64 * n);
    for (let k = 0; k < 64; k++) for (let p = 0; p < n; p++) w[k * n + p] = b[k * n + p] * q[k];
    c.weights = w;
    return w;
  }

  /** Decodes one scan whose header is `s` and whose data starts at `pos`; returns where the next marker is. */
  private scan(s: Uint8Array, pos: number): number {
    const frame = this.frame;
    if (!frame) throw damaged('The JPEG file has image data before its frame header.');
    const ns = s[0];
    if (ns < 1 || ns > 4 || s.length < 4 + ns * 2) throw damaged('The JPEG scan header is malformed.');
    const comps: Component[] = [];
    const dc: (HuffmanTable | undefined)[] = [];
    const ac: (HuffmanTable | undefined)[] = [];
    for (let i = 0; i < ns; i++) {
      const c = frame.components.find((x) => x.id === s[1 + i * 2]);
      if (!c) throw damaged('The JPEG scan names a colour component the frame does not have.');
      comps.push(c);
      dc.push(this.dcTables[s[2 + i * 2] >> 4]);
      ac.push(this.acTables[s[2 + i * 2] & 15]);
    }
    const ss = s[1 + ns * 2];
    const se = s[2 + ns * 2];
    const ah = s[3 + ns * 2] >> 4;
    const al = s[3 + ns * 2] & 15;
    const progressive = frame.progressive;
    if (progressive && (se > 63 || ss > se || (ss === 0 && se !== 0) || (ss > 0 && ns !== 1) || al > 13)) {
      throw damaged('The JPEG progressive scan header is malformed.');
    }
    const needDc = !progressive || (ss === 0 && ah === 0);
    const needAc = !progressive || ss > 0;
    for (let i = 0; i < ns; i++) {
      if ((needDc && !dc[i]) || (needAc && !ac[i])) throw damaged('The JPEG scan uses a Huffman table the file never defines.');
      this.weightsOf(comps[i]);
    }
    // Refining coefficients a 1/8 decode never reads: skipped unread.
    if (progressive && ss > 0 && comps[0].nx * comps[0].ny === 1) {
      const next = this.nextMarker(pos, true);
      if (next >= this.data.length) throw damaged('The JPEG image data stops before the image does: the file is truncated or damaged.');
      return next;
    }

    const bits = new BitReader(this.data, pos);
    for (const c of comps) c.predictor = 0;
    this.eobRun = 0;
    const single = ns === 1;
    const mcusX = single ? comps[0].codedX : frame.mcusX;
    const mcusY = single ? comps[0].codedY : frame.mcusY;
    const total = mcusX * mcusY;
    const restart = this.restartInterval;
    let untilRestart = restart;
    let done = 0;
    const mode = !progressive ? 0 : ss === 0 ? (ah === 0 ? 1 : 2) : ah === 0 ? 3 : 4;

    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        if (restart > 0 && untilRestart === 0) {
          this.restartAt(bits);
          for (const c of comps) c.predictor = 0;
          this.eobRun = 0;
          untilRestart = restart;
        }
        if (single) {
          if (mode === 0) this.baselineBlock(bits, comps[0], dc[0] as HuffmanTable, ac[0] as HuffmanTable, mx, my);
          else this.block(mode, bits, comps[0], dc[0], ac[0], mx, my, ss, se, al);
        } else if (mode === 0) {
          for (let i = 0; i < ns; i++) {
            const c = comps[i];
            for (let v = 0; v < c.v; v++) {
              for (let h = 0; h < c.h; h++) this.baselineBlock(bits, c, dc[i] as HuffmanTable, ac[i] as HuffmanTable, mx * c.h + h, my * c.v + v);
            }
          }
        } else {
          for (let i = 0; i < ns; i++) {
            const c = comps[i];
            for (let v = 0; v < c.v; v++) {
              for (let h = 0; h < c.h; h++) this.block(mode, bits, c, dc[i], ac[i], mx * c.h + h, my * c.v + v, ss, se, al);
            }
          }
        }
        if (bits.overrun()) throw damaged('The JPEG image data stops before the image does: the file is truncated or damaged.');
        untilRestart--;
        done++;
      }
    }
    if (done !== total) throw damaged('The JPEG scan is incomplete.');
    for (const c of comps) c.scanned = true;
    return this.nextMarker(bits.pos, false);
  }

  private block(
    mode: number,
    bits: BitReader,
    c: Component,
    dc: HuffmanTable | undefined,
    ac: HuffmanTable | undefined,
    bx: number,
    by: number,
    ss: number,
    se: number,
    al: number,
  ): void {
    if (mode === 0) this.baselineBlock(bits, c, dc as HuffmanTable, ac as HuffmanTable, bx, by);
    else {
      const coefs = c.coefficients as Int16Array;
      const at = (by * c.blocksX + bx) * 64;
      if (mode === 1) {
        const size = bits.decode(dc as HuffmanTable);
        c.predictor += size === 0 ? 0 : bits.signed(size);
        coefs[at] = c.predictor * (1 << al);
      } else if (mode === 2) {
        if (bits.bit()) coefs[at] |= 1 << al;
      } else if (mode === 3) this.acFirst(bits, coefs, at, ac as HuffmanTable, ss, se, al);
      else this.acRefine(bits, coefs, at, ac as HuffmanTable, ss, se, al);
    }
  }

  /** Sequential block: decoded and folded straight into the plane. */
  private baselineBlock(bits: BitReader, c: Component, dc: HuffmanTable, ac: HuffmanTable, bx: number, by: number): void {
    const w = c.weights as Float64Array;
    const acc = this.acc;
    const n = c.nx * c.ny;
    const size = bits.decode(dc);
    if (size !== 0) c.predictor += bits.signed(size);
    const dcValue = c.predictor;
    for (let p = 0; p < n; p++) acc[p] = dcValue * w[p];
    if (n === 1) {
      // Only the average is wanted: the AC terms are read past.
      for (let k = 1; k < 64; ) {
        const rs = bits.decode(ac);
        const s = rs & 15;
        if (s === 0) {
          if (rs !== 0xf0) break;
          k += 16;
          continue;
        }
        k += (rs >> 4) + 1;
        if (k > 64) throw damaged('The JPEG data runs past the end of a block.');
        bits.bits(s);
      }
    } else {
      for (let k = 1; k < 64; ) {
        const rs = bits.decode(ac);
        const s = rs & 15;
        if (s === 0) {
          if (rs !== 0xf0) break;
          k += 16;
          continue;
        }
        k += rs >> 4;
        if (k > 63) throw damaged('The JPEG data runs past the end of a block.');
        const value = bits.signed(s);
        const o = ZIGZAG[k] * n;
        for (let p = 0; p < n; p++) acc[p] += value * w[o + p];
        k++;
      }
    }
    this.store(c, bx, by);
  }

  private acFirst(bits: BitReader, coefs: Int16Array, at: number, ac: HuffmanTable, ss: number, se: number, al: number): void {
    if (this.eobRun > 0) {
      this.eobRun--;
      return;
    }
    for (let k = ss; k <= se; ) {
      const rs = bits.decode(ac);
      const s = rs & 15;
      const r = rs >> 4;
      if (s === 0) {
        if (r < 15) {
          this.eobRun = (1 << r) - 1 + (r ? bits.bits(r) : 0);
          break;
        }
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) throw damaged('The JPEG data runs past the end of a block.');
      coefs[at + ZIGZAG[k]] = bits.signed(s) * (1 << al);
      k++;
    }
  }

  /** Successive approximation of AC terms (libjpeg's decode_mcu_AC_refine). */
  private acRefine(bits: BitReader, coefs: Int16Array, at: number, ac: HuffmanTable, ss: number, se: number, al: number): void {
    const p1 = 1 << al;
    const m1 = -1 << al;
    let k = ss;
    if (this.eobRun === 0) {
      for (; k <= se; k++) {
        const rs = bits.decode(ac);
        let r = rs >> 4;
        const s = rs & 15;
        let value = 0;
        if (s !== 0) {
          if (s !== 1) throw damaged('The JPEG progressive data is malformed.');
          value = bits.bit() ? p1 : m1;
        } else if (r !== 15) {
          this.eobRun = (1 << r) + (r ? bits.bits(r) : 0);
          break;
        }
        while (k <= se) {
          const z = at + ZIGZAG[k];
          if (coefs[z] !== 0) {
            if (bits.bit() && (coefs[z] & p1) === 0) coefs[z] += coefs[z] >= 0 ? p1 : m1;
          } else {
            if (r === 0) break;
            r--;
          }
          k++;
        }
        if (value !== 0 && k <= se) coefs[at + ZIGZAG[k]] = value;
      }
    }
    if (this.eobRun > 0) {
      for (; k <= se; k++) {
        const z = at + ZIGZAG[k];
        if (coefs[z] !== 0 && bits.bit() && (coefs[z] & p1) === 0) coefs[z] += coefs[z] >= 0 ? p1 : m1;
      }
      this.eobRun--;
    }
  }

  /** Progressive frames: every block's coefficients folded into the plane once all scans are in. */
  private transformAll(c: Component): void {
    const coefs = c.coefficients as Int16Array;
    const w = this.weightsOf(c);
    const acc = this.acc;
    const n = c.nx * c.ny;
    const last = n === 1 ? 1 : 64;
    for (let by = 0; by < c.codedY; by++) {
      for (let bx = 0; bx < c.codedX; bx++) {
        const at = (by * c.blocksX + bx) * 64;
        for (let p = 0; p < n; p++) acc[p] = 0;
        for (let k = 0; k < last; k++) {
          const value = coefs[at + k];
          if (value === 0) continue;
          const o = k * n;
          for (let p = 0; p < n; p++) acc[p] += value * w[o + p];
        }
        this.store(c, bx, by);
      }
    }
    c.coefficients = undefined;
  }

  private store(c: Component, bx: number, by: number): void {
    const acc = this.acc;
    const nx = c.nx;
    const ny = c.ny;
    const plane = c.plane;
    const stride = c.planeWidth;
    let row = by * ny * stride + bx * nx;
    for (let i = 0, p = 0; i < ny; i++, row += stride) {
      for (let j = 0; j < nx; j++, p++) plane[row + j] = acc[p] + 128;
    }
  }

  /** At a restart point: skips to the RSTn marker, past it, and starts the bit reader afresh. */
  private restartAt(bits: BitReader): void {
    const d = this.data;
    const at = this.nextMarker(bits.pos, false);
    if (at + 1 >= d.length || d[at + 1] < 0xd0 || d[at + 1] > 0xd7) {
      throw damaged('The JPEG image data lacks a restart marker where one is due: the file is truncated or damaged.');
    }
    bits.pos = at + 2;
    bits.buf = 0;
    bits.count = 0;
    bits.fake = 0;
  }

  /** The next marker at or after `pos` (restart markers too, unless `overRestarts`). */
  private nextMarker(pos: number, overRestarts: boolean): number {
    const d = this.data;
    for (let p = pos; p + 1 < d.length; p++) {
      if (d[p] !== 0xff) continue;
      const m = d[p + 1];
      if (m === 0 || m === 0xff) continue;
      if (overRestarts && m >= 0xd0 && m <= 0xd7) continue;
      return p;
    }
    return d.length;
  }

  private toRgba(frame: Frame): RgbaImage {
    const scale = this.scale;
    const width = Math.ceil(frame.width / scale);
    const height = Math.ceil(frame.height / scale);
    const out = new Uint8ClampedArray(width * height * 4);
    const comps = frame.components;
    const columns = comps.map((c) => {
      const index = new Int32Array(width);
      for (let x = 0; x < width; x++) index[x] = Math.floor(x / c.repX);
      return index;
    });
    if (comps.length === 1) {
      const [c] = comps;
      const col = columns[0];
      for (let y = 0, o = 0; y < height; y++) {
        const row = Math.floor(y / c.repY) * c.planeWidth;
        for (let x = 0; x < width; x++, o += 4) {
          const g = c.plane[row + col[x]];
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
          out[o + 3] = 255;
        }
      }
      return { width, height, data: new Uint8Array(out.buffer) };
    }
    const [a, b, c] = comps;
    const [colA, colB, colC] = columns;
    // JFIF files are YCbCr; Adobe's marker says when the three are RGB, as do the ids R, G, B.
    const rgb = this.adobeTransform !== undefined ? this.adobeTransform === 0 : a.id === 0x52 && b.id === 0x47 && c.id === 0x42;
    for (let y = 0, o = 0; y < height; y++) {
      const rowA = Math.floor(y / a.repY) * a.planeWidth;
      const rowB = Math.floor(y / b.repY) * b.planeWidth;
      const rowC = Math.floor(y / c.repY) * c.planeWidth;
      for (let x = 0; x < width; x++, o += 4) {
        const y0 = a.plane[rowA + colA[x]];
        const cb = b.plane[rowB + colB[x]];
        const cr = c.plane[rowC + colC[x]];
        if (rgb) {
          out[o] = y0;
          out[o + 1] = cb;
          out[o + 2] = cr;
        } else {
          out[o] = y0 + 1.402 * (cr - 128);
          out[o + 1] = y0 - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
          out[o + 2] = y0 + 1.772 * (cb - 128);
        }
        out[o + 3] = 255;
      }
    }
    return { width, height, data: new Uint8Array(out.buffer) };
  }
}
