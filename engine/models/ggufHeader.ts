import * as fs from 'node:fs';
import { CorruptModelFileError, ModelNotFoundError, classifyFsError, errnoCode } from './errors';
import { ggmlTensorBytes } from './ggmlTypeSizes';

/**
 * Reads the header of a GGUF file (metadata and tensor index) by streaming it from disk,
 * never the tensor data: a 7 GB model costs a few megabytes of reads, most of them its
 * vocabulary. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

export type GgufScalarValue = number | bigint | boolean | string;

export interface GgufArrayValue {
  readonly kind: 'array';
  /** The GGUF value type code of the items (8 = string, 7 = bool, ...). */
  readonly itemType: number;
  readonly length: number;
  /** Left out when the array is longer than `maxArrayItems` (token lists, merges). */
  readonly items?: readonly GgufMetadataValue[];
}

export type GgufMetadataValue = GgufScalarValue | GgufArrayValue;

export interface GgufTensorEntry {
  readonly name: string;
  /** ggml order: ne0, the contiguous dimension, first. */
  readonly shape: readonly number[];
  readonly ggmlType: number;
  /** Offset inside the data section. */
  readonly offset: number;
  readonly byteLength: number;
}

export interface GgufHeader {
  readonly path: string;
  readonly version: number;
  readonly fileSize: number;
  readonly metadata: ReadonlyMap<string, GgufMetadataValue>;
  readonly tensors: readonly GgufTensorEntry[];
  readonly alignment: number;
  /** Absolute offset where tensor data starts. */
  readonly dataOffset: number;
}

export interface ReadGgufHeaderOptions {
  /** Arrays longer than this keep only their length. Default 4096. */
  readonly maxArrayItems?: number;
  /**
   * The size of the whole file when `filePath` holds only its first bytes (a header fetched
   * with a range request before downloading): sizes and bounds are checked against it.
   */
  readonly declaredSize?: number;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32

const TYPE_UINT8 = 0;
const TYPE_INT8 = 1;
const TYPE_UINT16 = 2;
const TYPE_INT16 = 3;
const TYPE_UINT32 = 4;
const TYPE_INT32 = 5;
const TYPE_FLOAT32 = 6;
const TYPE_BOOL = 7;
const TYPE_STRING = 8;
const TYPE_ARRAY = 9;
const TYPE_UINT64 = 10;
const TYPE_INT64 = 11;
const TYPE_FLOAT64 = 12;

const FIXED_SIZES: ReadonlyMap<number, number> = new Map([
  [TYPE_UINT8, 1], [TYPE_INT8, 1], [TYPE_BOOL, 1],
  [TYPE_UINT16, 2], [TYPE_INT16, 2],
  [TYPE_UINT32, 4], [TYPE_INT32, 4], [TYPE_FLOAT32, 4],
  [TYPE_UINT64, 8], [TYPE_INT64, 8], [TYPE_FLOAT64, 8],
]);

const CHUNK = 1 << 20;
const DEFAULT_ALIGNMENT = 32;
const MAX_DIMS = 4;

class HeaderFormatError extends Error {}

/** Buffered sequential reads over a file handle; refills only when the buffer runs out. */
class FileCursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(private readonly fh: fs.promises.FileHandle, readonly fileSize: number) {}

  private async fill(n: number): Promise<void> {
    if (this.pos + n > this.fileSize) {
      throw new HeaderFormatError(`it ends at byte ${this.fileSize} while the header needs ${this.pos + n} bytes`);
    }
    const size = Math.min(Math.max(n, CHUNK), this.fileSize - this.pos);
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.fh.read(buf, 0, size, this.pos);
    if (bytesRead < n) throw new HeaderFormatError(`it could only be read up to byte ${this.pos + bytesRead}`);
    this.buf = buf.subarray(0, bytesRead);
    this.bufStart = this.pos;
  }

  /** Makes n bytes readable at `pos`; returns a promise only when a disk read is needed. */
  need(n: number): Promise<void> | undefined {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return undefined;
    return this.fill(n);
  }

  private at(): number {
    return this.pos - this.bufStart;
  }

  async u8(): Promise<number> { await this.need(1); const v = this.buf.readUInt8(this.at()); this.pos += 1; return v; }
  async u32(): Promise<number> { await this.need(4); const v = this.buf.readUInt32LE(this.at()); this.pos += 4; return v; }

  async u64AsLength(what: string): Promise<number> {
    await this.need(8);
    const v = this.buf.readBigUInt64LE(this.at());
    this.pos += 8;
    if (v > BigInt(this.fileSize)) throw new HeaderFormatError(`${what} is ${v}, larger than the file`);
    return Number(v);
  }

  async scalar(type: number): Promise<GgufScalarValue> {
    if (type === TYPE_STRING) return this.string();
    const size = FIXED_SIZES.get(type);
    if (size === undefined) throw new HeaderFormatError(`it uses unknown value type ${type}`);
    const p = this.need(size);
    if (p) await p;
    const b = this.buf;
    const o = this.at();
    this.pos += size;
    switch (type) {
      case TYPE_UINT8: return b.readUInt8(o);
      case TYPE_INT8: return b.readInt8(o);
      case TYPE_BOOL: return b.readUInt8(o) !== 0;
      case TYPE_UINT16: return b.readUInt16LE(o);
      case TYPE_INT16: return b.readInt16LE(o);
      case TYPE_UINT32: return b.readUInt32LE(o);
      case TYPE_INT32: return b.readInt32LE(o);
      case TYPE_FLOAT32: return b.readFloatLE(o);
      case TYPE_FLOAT64: return b.readDoubleLE(o);
      case TYPE_UINT64: return safeNumber(b.readBigUInt64LE(o));
      default: return safeNumber(b.readBigInt64LE(o));
    }
  }

  async string(): Promise<string> {
    const n = await this.u64AsLength('a string length');
    const p = this.need(n);
    if (p) await p;
    const s = this.buf.toString('utf8', this.at(), this.at() + n);
    this.pos += n;
    return s;
  }

  async skipString(): Promise<void> {
    const n = await this.u64AsLength('a string length');
    this.skip(n);
  }

  skip(n: number): void {
    if (this.pos + n > this.fileSize) {
      throw new HeaderFormatError(`it ends at byte ${this.fileSize} while the header needs ${this.pos + n} bytes`);
    }
    this.pos += n;
  }
}

/** 64-bit integers stay exact: a number when it fits, a bigint when it does not. */
function safeNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

async function readValue(c: FileCursor, type: number, maxItems: number): Promise<GgufMetadataValue> {
  if (type !== TYPE_ARRAY) return c.scalar(type);
  const itemType = await c.u32();
  const length = await c.u64AsLength('an array length');
  if (length > maxItems) {
    await skipItems(c, itemType, length);
    return { kind: 'array', itemType, length };
  }
  const items: GgufMetadataValue[] = [];
  for (let i = 0; i < length; i++) items.push(await readValue(c, itemType, maxItems));
  return { kind: 'array', itemType, length, items };
}

async function skipItems(c: FileCursor, itemType: number, length: number): Promise<void> {
  const size = FIXED_SIZES.get(itemType);
  if (size !== undefined) {
    c.skip(size * length);
    return;
  }
  if (itemType === TYPE_STRING) {
    for (let i = 0; i < length; i++) await c.skipString();
    return;
  }
  if (itemType === TYPE_ARRAY) {
    for (let i = 0; i < length; i++) await readValue(c, TYPE_ARRAY, 0);
    return;
  }
  throw new HeaderFormatError(`an array uses unknown item type ${itemType}`);
}

async function openForReading(filePath: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(filePath, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new ModelNotFoundError(`There is no file at ${filePath}.`, { cause: error, facts: { path: filePath } });
    }
    throw classifyFsError(error, filePath, 'reading');
  }
}

/** True when the file starts with the GGUF magic; a cheap check before a full read. */
export async function hasGgufMagic(filePath: string): Promise<boolean> {
  const fh = await openForReading(filePath);
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.readUInt32LE(0) === GGUF_MAGIC;
  } finally {
    await fh.close();
  }
}

/**
 * Reads metadata and the tensor index, and checks that the file is long enough to hold
 * every tensor, so a file cut short by a failed copy or download is caught here and not
 * by llama-server minutes later.
 */
export async function readGgufHeader(filePath: string, options: ReadGgufHeaderOptions = {}): Promise<GgufHeader> {
  const fh = await openForReading(filePath);
  try {
    const { size: fileSize } = await fh.stat();
    return await parseHeader(new FileCursor(fh, options.declaredSize ?? fileSize), filePath, options.maxArrayItems ?? 4096);
  } catch (error) {
    if (error instanceof HeaderFormatError) {
      throw new CorruptModelFileError(
        `${filePath} is not a usable GGUF model file: ${error.message}. ` +
          'If it was downloaded, delete it and download it again.',
        { cause: error },
      );
    }
    throw error;
  } finally {
    await fh.close();
  }
}

async function parseHeader(c: FileCursor, filePath: string, maxItems: number): Promise<GgufHeader> {
  if (c.fileSize < 8 || (await c.u32()) !== GGUF_MAGIC) {
    throw new HeaderFormatError('it does not start with "GGUF"');
  }
  const version = await c.u32();
  if ((version & 0xffff) === 0 && version !== 0) {
    throw new HeaderFormatError('it is a big-endian GGUF, which llama.cpp on this machine cannot load');
  }
  if (version !== 2 && version !== 3) {
    throw new HeaderFormatError(`it has GGUF version ${version}; versions 2 and 3 are supported`);
  }
  const tensorCount = await c.u64AsLength('the tensor count');
  const kvCount = await c.u64AsLength('the metadata count');

  const metadata = new Map<string, GgufMetadataValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = await c.string();
    const type = await c.u32();
    metadata.set(key, await readValue(c, type, maxItems));
  }

  const declaredAlignment = metadata.get('general.alignment');
  const alignment =
    typeof declaredAlignment === 'number' && declaredAlignment > 0 ? declaredAlignment : DEFAULT_ALIGNMENT;

  const raw: { name: string; shape: number[]; ggmlType: number; offset: number }[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = await c.string();
    const dims = await c.u32();
    if (dims > MAX_DIMS) throw new HeaderFormatError(`tensor "${name}" has ${dims} dimensions`);
    const shape: number[] = [];
    for (let d = 0; d < dims; d++) shape.push(await c.u64AsLength(`a dimension of tensor "${name}"`));
    const ggmlType = await c.u32();
    const offset = await c.u64AsLength(`the offset of tensor "${name}"`);
    raw.push({ name, shape, ggmlType, offset });
  }

  const dataOffset = Math.ceil(c.pos / alignment) * alignment;
  const tensors = sizeTensors(raw, c.fileSize - dataOffset);
  // A vocabulary-only file has no tensors and may end right after its header, unpadded.
  const dataEnd = tensors.reduce((end, t) => Math.max(end, dataOffset + t.offset + t.byteLength), c.pos);
  if (dataEnd > c.fileSize) {
    throw new HeaderFormatError(
      `it is ${c.fileSize} bytes long but its tensors need ${dataEnd} bytes, so it was cut short`,
    );
  }
  return { path: filePath, version, fileSize: c.fileSize, metadata, tensors, alignment, dataOffset };
}

/**
 * Sizes from the type table; for a type the table does not know, the distance to the next
 * tensor (or to the end of the file) stands in, which includes at most the padding.
 */
function sizeTensors(
  raw: readonly { name: string; shape: number[]; ggmlType: number; offset: number }[],
  dataBytes: number,
): GgufTensorEntry[] {
  const offsets = [...new Set(raw.map((t) => t.offset))].sort((a, b) => a - b);
  return raw.map((t) => {
    const known = ggmlTensorBytes(t.ggmlType, t.shape);
    if (known !== undefined) return { ...t, byteLength: known };
    const next = offsets.find((o) => o > t.offset) ?? Math.max(dataBytes, t.offset);
    return { ...t, byteLength: next - t.offset };
  });
}
