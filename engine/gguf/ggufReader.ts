import * as fs from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGML_TYPE_SIZE,
  GgmlType,
  GgmlTypeName,
  GgufItemType,
  GgufScalar,
  GgufValue,
  GgufValueCode,
  alignUp,
} from './ggufTypes';

export interface GgufTensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: GgmlTypeName;
  /** Offset inside the data section, as stored in the file. */
  readonly offset: number;
  readonly byteLength: number;
}

export interface GgufFile {
  readonly version: number;
  readonly alignment: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  /** Keys in file order. */
  readonly keys: readonly string[];
  readonly tensors: readonly GgufTensorInfo[];
  /** Absolute file offset of the data section. */
  readonly dataOffset: number;
  readonly fileSize: number;
}

const codeToItemType = new Map<number, GgufItemType | 'array'>(
  Object.entries(GgufValueCode).map(([name, code]) => [code, name as GgufItemType | 'array']),
);
const codeToGgmlType = new Map<number, GgmlTypeName>(
  Object.entries(GgmlType).map(([name, code]) => [code, name as GgmlTypeName]),
);

class Cursor {
  at = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.at + n > this.buf.length) {
      throw new Error(`GGUF file is truncated: needed ${n} bytes at offset ${this.at} of ${this.buf.length}.`);
    }
  }
  u8(): number { this.need(1); return this.buf.readUInt8(this.at++); }
  i8(): number { this.need(1); return this.buf.readInt8(this.at++); }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.at); this.at += 2; return v; }
  i16(): number { this.need(2); const v = this.buf.readInt16LE(this.at); this.at += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.at); this.at += 4; return v; }
  i32(): number { this.need(4); const v = this.buf.readInt32LE(this.at); this.at += 4; return v; }
  f32(): number { this.need(4); const v = this.buf.readFloatLE(this.at); this.at += 4; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleLE(this.at); this.at += 8; return v; }
  u64(): bigint { this.need(8); const v = this.buf.readBigUInt64LE(this.at); this.at += 8; return v; }
  i64(): bigint { this.need(8); const v = this.buf.readBigInt64LE(this.at); this.at += 8; return v; }
  size(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`GGUF length ${v} at offset ${this.at - 8} is not plausible.`);
    return Number(v);
  }
  str(): string {
    const n = this.size();
    this.need(n);
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }
}

function itemType(code: number, where: string): GgufItemType | 'array' {
  const t = codeToItemType.get(code);
  if (!t) throw new Error(`GGUF ${where} has unknown value type ${code}.`);
  return t;
}

function readValue(c: Cursor, key: string): GgufValue {
  const type = itemType(c.u32(), `key "${key}"`);
  if (type !== 'array') return readScalar(c, type);
  const inner = itemType(c.u32(), `array "${key}"`);
  const n = c.size();
  switch (inner) {
    case 'array':
      throw new Error(`GGUF key "${key}" holds nested arrays, which this reader does not support.`);
    case 'uint64':
    case 'int64': {
      const items: bigint[] = [];
      for (let i = 0; i < n; i++) items.push(inner === 'uint64' ? c.u64() : c.i64());
      return { type: 'array', itemType: inner, items };
    }
    case 'bool': {
      const items: boolean[] = [];
      for (let i = 0; i < n; i++) items.push(c.u8() !== 0);
      return { type: 'array', itemType: 'bool', items };
    }
    case 'string': {
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(c.str());
      return { type: 'array', itemType: 'string', items };
    }
    default: {
      const items: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = readScalar(c, inner);
        if (typeof v.value !== 'number') throw new Error(`GGUF array "${key}" item ${i} is not a number.`);
        items.push(v.value);
      }
      return { type: 'array', itemType: inner, items };
    }
  }
}

function readScalar(c: Cursor, type: GgufItemType): GgufScalar {
  switch (type) {
    case 'uint8': return { type, value: c.u8() };
    case 'int8': return { type, value: c.i8() };
    case 'uint16': return { type, value: c.u16() };
    case 'int16': return { type, value: c.i16() };
    case 'uint32': return { type, value: c.u32() };
    case 'int32': return { type, value: c.i32() };
    case 'float32': return { type, value: c.f32() };
    case 'float64': return { type, value: c.f64() };
    case 'uint64': return { type, value: c.u64() };
    case 'int64': return { type, value: c.i64() };
    case 'bool': return { type, value: c.u8() !== 0 };
    case 'string': return { type, value: c.str() };
  }
}

/** Parses a whole GGUF file held in memory. Meant for small files such as the synthetic test models. */
export function parseGguf(buf: Buffer): GgufFile {
  const c = new Cursor(buf);
  if (buf.length < 4 || buf.toString('latin1', 0, 4) !== GGUF_MAGIC) {
    throw new Error('Not a GGUF file: the first four bytes are not "GGUF".');
  }
  c.at = 4;
  const version = c.u32();
  if (version !== 3) throw new Error(`GGUF version ${version} is not supported; only version 3 is.`);
  const nTensors = c.size();
  const nKv = c.size();

  const metadata = new Map<string, GgufValue>();
  const keys: string[] = [];
  for (let i = 0; i < nKv; i++) {
    const key = c.str();
    if (metadata.has(key)) throw new Error(`GGUF key "${key}" appears twice.`);
    metadata.set(key, readValue(c, key));
    keys.push(key);
  }

  const declared = metadata.get('general.alignment');
  const alignment = declared && declared.type === 'uint32' ? declared.value : GGUF_DEFAULT_ALIGNMENT;

  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = c.str();
    const nDims = c.u32();
    const shape: number[] = [];
    for (let d = 0; d < nDims; d++) shape.push(c.size());
    const code = c.u32();
    const type = codeToGgmlType.get(code);
    if (!type) throw new Error(`GGUF tensor "${name}" has ggml type ${code}, which this reader does not decode.`);
    const offset = c.size();
    const byteLength = shape.reduce((n, d) => n * d, 1) * GGML_TYPE_SIZE[type];
    tensors.push({ name, shape, type, offset, byteLength });
  }

  const dataOffset = alignUp(c.at, alignment);
  for (const t of tensors) {
    if (dataOffset + t.offset + t.byteLength > buf.length) {
      throw new Error(`GGUF tensor "${t.name}" runs past the end of the file (${buf.length} bytes).`);
    }
  }
  return { version, alignment, metadata, keys, tensors, dataOffset, fileSize: buf.length };
}

export function readGgufFile(filePath: string): GgufFile & { readonly buffer: Buffer } {
  const buffer = fs.readFileSync(filePath);
  return { ...parseGguf(buffer), buffer };
}

/** Copies one F32 tensor's values out of a parsed file. */
export function readF32Tensor(file: GgufFile & { readonly buffer: Buffer }, name: string): Float32Array {
  const t = file.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`GGUF tensor "${name}" is not in the file.`);
  const start = file.dataOffset + t.offset;
  const out = new Float32Array(t.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = file.buffer.readFloatLE(start + i * 4);
  return out;
}

/** Reads a metadata value, failing with the key's name when it is missing or of another type. */
export function metadataValue<T extends GgufValue['type']>(
  file: GgufFile,
  key: string,
  type: T,
): GgufValue & { type: T } {
  const v = file.metadata.get(key);
  if (!v) throw new Error(`GGUF key "${key}" is missing.`);
  if (v.type !== type) throw new Error(`GGUF key "${key}" is a ${v.type}, expected ${type}.`);
  return v as GgufValue & { type: T };
}
