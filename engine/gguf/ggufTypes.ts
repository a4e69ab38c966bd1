/**
 * The GGUF v3 vocabulary shared by the writer and the reader. Numbers are the on-disk
 * codes from ggml's gguf.h; they never change within a format version.
 */

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export const GgufValueCode = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufNumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type GgufBigIntType = 'uint64' | 'int64';
export type GgufItemType = GgufNumberType | GgufBigIntType | 'bool' | 'string';

export type GgufScalar =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string };

/** Arrays hold one item type; ggml's loader rejects nested arrays, so they are not offered. */
export type GgufArray =
  | { readonly type: 'array'; readonly itemType: GgufNumberType; readonly items: readonly number[] }
  | { readonly type: 'array'; readonly itemType: GgufBigIntType; readonly items: readonly bigint[] }
  | { readonly type: 'array'; readonly itemType: 'bool'; readonly items: readonly boolean[] }
  | { readonly type: 'array'; readonly itemType: 'string'; readonly items: readonly string[] };

export type GgufValue = GgufScalar | GgufArray;

/** One metadata entry; a list of them keeps the key order the file will have. */
export type GgufEntry = readonly [key: string, value: GgufValue];

/** Short constructors so metadata tables read like the key listings in llama.cpp. */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: 'uint8', value }),
  i8: (value: number): GgufValue => ({ type: 'int8', value }),
  u16: (value: number): GgufValue => ({ type: 'uint16', value }),
  i16: (value: number): GgufValue => ({ type: 'int16', value }),
  u32: (value: number): GgufValue => ({ type: 'uint32', value }),
  i32: (value: number): GgufValue => ({ type: 'int32', value }),
  f32: (value: number): GgufValue => ({ type: 'float32', value }),
  f64: (value: number): GgufValue => ({ type: 'float64', value }),
  u64: (value: bigint): GgufValue => ({ type: 'uint64', value }),
  i64: (value: bigint): GgufValue => ({ type: 'int64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  str: (value: string): GgufValue => ({ type: 'string', value }),
  numbers: (itemType: GgufNumberType, items: readonly number[]): GgufValue => ({ type: 'array', itemType, items }),
  bigints: (itemType: GgufBigIntType, items: readonly bigint[]): GgufValue => ({ type: 'array', itemType, items }),
  bools: (items: readonly boolean[]): GgufValue => ({ type: 'array', itemType: 'bool', items }),
  strings: (items: readonly string[]): GgufValue => ({ type: 'array', itemType: 'string', items }),
};

/** ggml tensor types this project writes. Only F32 is needed for synthetic test models. */
export const GgmlType = {
  F32: 0,
} as const;
export type GgmlTypeName = keyof typeof GgmlType;

export const GGML_TYPE_SIZE: Readonly<Record<GgmlTypeName, number>> = { F32: 4 };

/** ggml_row_size for the types above: element count times element size. */
export function tensorByteLength(type: GgmlTypeName, shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1) * GGML_TYPE_SIZE[type];
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
