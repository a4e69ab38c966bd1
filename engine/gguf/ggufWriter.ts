import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgmlType,
  GgmlTypeName,
  GgufEntry,
  GgufItemType,
  GgufValue,
  GgufValueCode,
  alignUp,
  tensorByteLength,
} from './ggufTypes';

export interface GgufTensorSource {
  readonly name: string;
  /** ggml order: ne0 (the contiguous dimension) first. */
  readonly shape: readonly number[];
  readonly type?: GgmlTypeName;
  /** Called when the writer reaches this tensor, so only one tensor's data is held at a time. */
  readonly data: () => Float32Array;
}

export interface GgufFileSpec {
  readonly metadata: readonly GgufEntry[];
  readonly tensors: readonly GgufTensorSource[];
  /** Tensor data alignment; a value other than 32 is recorded as general.alignment. */
  readonly alignment?: number;
}

export interface GgufWriteResult {
  readonly path: string;
  readonly bytes: number;
  /** Absolute file offset where the tensor data section starts. */
  readonly dataOffset: number;
}

const GGML_MAX_DIMS = 4;
const WRITE_CHUNK = 1 << 20;

/**
 * Grows a list of small buffers; the header is the only part built in memory, and even a
 * 262k-token vocabulary keeps it to a few megabytes.
 */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  length = 0;

  private push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }

  u8(v: number): void { const b = Buffer.alloc(1); b.writeUInt8(v); this.push(b); }
  i8(v: number): void { const b = Buffer.alloc(1); b.writeInt8(v); this.push(b); }
  u16(v: number): void { const b = Buffer.alloc(2); b.writeUInt16LE(v); this.push(b); }
  i16(v: number): void { const b = Buffer.alloc(2); b.writeInt16LE(v); this.push(b); }
  u32(v: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v: number): void { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  f32(v: number): void { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  f64(v: number): void { const b = Buffer.alloc(8); b.writeDoubleLE(v); this.push(b); }
  u64(v: bigint): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); this.push(b); }
  i64(v: bigint): void { const b = Buffer.alloc(8); b.writeBigInt64LE(v); this.push(b); }
  bytes(buf: Buffer): void { this.push(buf); }

  str(v: string): void {
    const utf8 = Buffer.from(v, 'utf8');
    this.u64(BigInt(utf8.length));
    this.push(utf8);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeItem(sink: ByteSink, type: GgufItemType, v: number | bigint | boolean | string, key: string): void {
  const bad = (): Error => new Error(`GGUF metadata "${key}": ${String(v)} is not a valid ${type}. Fix the value or pick a wider type.`);
  const int = (lo: number, hi: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw bad();
    return v;
  };
  switch (type) {
    case 'uint8': return sink.u8(int(0, 0xff));
    case 'int8': return sink.i8(int(-0x80, 0x7f));
    case 'uint16': return sink.u16(int(0, 0xffff));
    case 'int16': return sink.i16(int(-0x8000, 0x7fff));
    case 'uint32': return sink.u32(int(0, 0xffffffff));
    case 'int32': return sink.i32(int(-0x80000000, 0x7fffffff));
    case 'float32':
      if (typeof v !== 'number') throw bad();
      return sink.f32(v);
    case 'float64':
      if (typeof v !== 'number') throw bad();
      return sink.f64(v);
    case 'uint64':
      if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw bad();
      return sink.u64(v);
    case 'int64':
      if (typeof v !== 'bigint' || v < -(1n << 63n) || v >= 1n << 63n) throw bad();
      return sink.i64(v);
    case 'bool':
      if (typeof v !== 'boolean') throw bad();
      return sink.u8(v ? 1 : 0);
    case 'string':
      if (typeof v !== 'string') throw bad();
      return sink.str(v);
  }
}

function writeValue(sink: ByteSink, key: string, value: GgufValue): void {
  sink.u32(GgufValueCode[value.type]);
  if (value.type === 'array') {
    sink.u32(GgufValueCode[value.itemType]);
    sink.u64(BigInt(value.items.length));
    for (const item of value.items) writeItem(sink, value.itemType, item, key);
    return;
  }
  writeItem(sink, value.type, value.value, key);
}

function checkTensor(t: GgufTensorSource): void {
  if (t.shape.length < 1 || t.shape.length > GGML_MAX_DIMS) {
    throw new Error(`GGUF tensor "${t.name}" has ${t.shape.length} dimensions; ggml accepts 1 to ${GGML_MAX_DIMS}.`);
  }
  if (!t.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`GGUF tensor "${t.name}" has shape [${t.shape.join(', ')}]; every dimension must be a positive integer.`);
  }
}

/** Resolves the alignment and the metadata list, adding general.alignment when it is not the default. */
function finalMetadata(spec: GgufFileSpec): { alignment: number; metadata: readonly GgufEntry[] } {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new Error(`GGUF alignment ${alignment} is invalid: ggml needs a power of two.`);
  }
  const seen = new Set<string>();
  for (const [key] of spec.metadata) {
    if (seen.has(key)) throw new Error(`GGUF metadata key "${key}" appears twice; ggml refuses duplicate keys.`);
    seen.add(key);
  }
  const declared = spec.metadata.find(([key]) => key === 'general.alignment');
  if (declared) {
    const [, v] = declared;
    if (v.type !== 'uint32' || v.value !== alignment) {
      throw new Error(`general.alignment must be a uint32 equal to the alignment option (${alignment}).`);
    }
    return { alignment, metadata: spec.metadata };
  }
  if (alignment === GGUF_DEFAULT_ALIGNMENT) return { alignment, metadata: spec.metadata };
  return { alignment, metadata: [...spec.metadata, ['general.alignment', { type: 'uint32', value: alignment }]] };
}

/** Builds the header (magic through tensor infos) and the padding that brings it to the data section. */
export function encodeGgufHeader(spec: GgufFileSpec): { header: Buffer; dataOffset: number; tensorOffsets: number[]; alignment: number } {
  const { alignment, metadata } = finalMetadata(spec);
  const sink = new ByteSink();
  sink.bytes(Buffer.from(GGUF_MAGIC, 'latin1'));
  sink.u32(GGUF_VERSION);
  sink.u64(BigInt(spec.tensors.length));
  sink.u64(BigInt(metadata.length));
  for (const [key, value] of metadata) {
    sink.str(key);
    writeValue(sink, key, value);
  }

  const names = new Set<string>();
  const tensorOffsets: number[] = [];
  let offset = 0;
  for (const t of spec.tensors) {
    checkTensor(t);
    if (names.has(t.name)) throw new Error(`GGUF tensor "${t.name}" appears twice; names must be unique.`);
    names.add(t.name);
    const type = t.type ?? 'F32';
    sink.str(t.name);
    sink.u32(t.shape.length);
    for (const d of t.shape) sink.u64(BigInt(d));
    sink.u32(GgmlType[type]);
    sink.u64(BigInt(offset));
    tensorOffsets.push(offset);
    // ggml requires each offset to be the previous one plus the padded size, in order.
    offset += alignUp(tensorByteLength(type, t.shape), alignment);
  }

  const dataOffset = alignUp(sink.length, alignment);
  sink.bytes(Buffer.alloc(dataOffset - sink.length));
  return { header: sink.toBuffer(), dataOffset, tensorOffsets, alignment };
}

function littleEndianBytes(data: Float32Array): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (os.endianness() === 'LE') return view;
  const copy = Buffer.from(view);
  copy.swap32();
  return copy;
}

async function writeAll(fh: fs.promises.FileHandle, buf: Buffer): Promise<void> {
  for (let at = 0; at < buf.length; at += WRITE_CHUNK) {
    const part = buf.subarray(at, Math.min(buf.length, at + WRITE_CHUNK));
    let done = 0;
    while (done < part.length) {
      const { bytesWritten } = await fh.write(part, done, part.length - done);
      done += bytesWritten;
    }
  }
}

/**
 * Writes a GGUF v3 file: little-endian, tensor data aligned (32 bytes unless told), tensors
 * produced one at a time. The file appears under its final name only once complete.
 */
export async function writeGgufFile(filePath: string, spec: GgufFileSpec): Promise<GgufWriteResult> {
  const target = path.resolve(filePath);
  const { header, dataOffset, alignment } = encodeGgufHeader(spec);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  const fh = await fs.promises.open(partial, 'w');
  let bytes = header.length;
  try {
    await writeAll(fh, header);
    for (const t of spec.tensors) {
      const type = t.type ?? 'F32';
      const expected = tensorByteLength(type, t.shape);
      const data = t.data();
      if (data.byteLength !== expected) {
        throw new Error(
          `GGUF tensor "${t.name}" produced ${data.length} values but shape [${t.shape.join(', ')}] needs ${expected / 4}.`,
        );
      }
      await writeAll(fh, littleEndianBytes(data));
      const padded = alignUp(expected, alignment);
      if (padded > expected) await writeAll(fh, Buffer.alloc(padded - expected));
      bytes += padded;
    }
  } catch (err) {
    await fh.close();
    fs.rmSync(partial, { force: true });
    throw err;
  }
  await fh.close();
  fs.renameSync(partial, target);
  return { path: target, bytes, dataOffset };
}
