import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { metadataValue, readF32Tensor, readGgufFile } from '../../engine/gguf/ggufReader';
import { GgufEntry, gguf } from '../../engine/gguf/ggufTypes';
import { GgufFileSpec, writeGgufFile } from '../../engine/gguf/ggufWriter';

const ALL_TYPES: GgufEntry[] = [
  ['t.u8', gguf.u8(255)],
  ['t.i8', gguf.i8(-128)],
  ['t.u16', gguf.u16(65535)],
  ['t.i16', gguf.i16(-32768)],
  ['t.u32', gguf.u32(4294967295)],
  ['t.i32', gguf.i32(-2147483648)],
  ['t.f32', gguf.f32(0.5)],
  ['t.f64', gguf.f64(Math.PI)],
  ['t.u64', gguf.u64(18446744073709551615n)],
  ['t.i64', gguf.i64(-9223372036854775808n)],
  ['t.bool', gguf.bool(true)],
  ['t.str', gguf.str('héllo <|turn> ✓')],
  ['t.empty', gguf.str('')],
  ['a.bools', gguf.bools([true, false, true])],
  ['a.strings', gguf.strings(['a', 'b c', 'Ġthe', ''])],
  ['a.f32', gguf.numbers('float32', [1.5, -2.25, 1e30])],
  ['a.f64', gguf.numbers('float64', [Math.E])],
  ['a.i32', gguf.numbers('int32', [-1, 0, 7])],
  ['a.u8', gguf.numbers('uint8', [0, 255])],
  ['a.i8', gguf.numbers('int8', [-5])],
  ['a.u16', gguf.numbers('uint16', [9])],
  ['a.i16', gguf.numbers('int16', [-9])],
  ['a.u32', gguf.numbers('uint32', [1, 2])],
  ['a.u64', gguf.bigints('uint64', [1n, 1n << 40n])],
  ['a.i64', gguf.bigints('int64', [-(1n << 40n)])],
  ['a.empty', gguf.strings([])],
];

function ramp(n: number, start: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => start + i * 0.25);
}

describe('GGUF writer', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gguf-writer-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Odd element counts make every tensor need padding, which is what alignment must survive.
  const spec: GgufFileSpec = {
    metadata: [['general.architecture', gguf.str('test')], ...ALL_TYPES],
    tensors: [
      { name: 'a', shape: [3], data: () => ramp(3, 0) },
      { name: 'b.weight', shape: [5, 3], data: () => ramp(15, 10) },
      { name: 'c', shape: [2, 3, 1, 2], data: () => ramp(12, -3) },
    ],
  };

  it('reads back the header, every metadata type and the key order', async () => {
    const file = path.join(dir, 'all.gguf');
    const res = await writeGgufFile(file, spec);
    const g = readGgufFile(file);

    assert.equal(g.buffer.toString('latin1', 0, 4), 'GGUF');
    assert.equal(g.version, 3);
    assert.equal(g.alignment, 32);
    assert.equal(g.fileSize, res.bytes);
    assert.deepEqual(g.keys, spec.metadata.map(([k]) => k));
    for (const [key, value] of spec.metadata) {
      const back = g.metadata.get(key);
      if (value.type === 'float32') {
        assert.ok(back && back.type === 'float32');
        assert.equal(back.value, Math.fround(value.value));
      } else if (value.type === 'array' && value.itemType === 'float32') {
        assert.ok(back && back.type === 'array' && back.itemType === 'float32');
        assert.deepEqual(back.items, value.items.map((x) => Math.fround(x)));
      } else {
        assert.deepEqual(back, value, key);
      }
    }
    assert.equal(metadataValue(g, 't.str', 'string').value, 'héllo <|turn> ✓');
  });

  it('lays tensors out aligned and in order, with their data intact', async () => {
    const file = path.join(dir, 'tensors.gguf');
    const res = await writeGgufFile(file, spec);
    const g = readGgufFile(file);

    assert.equal(res.dataOffset, g.dataOffset);
    assert.equal(g.dataOffset % 32, 0);
    assert.deepEqual(
      g.tensors.map((t) => [t.name, t.shape, t.type, t.offset]),
      [
        ['a', [3], 'F32', 0],
        ['b.weight', [5, 3], 'F32', 32],
        ['c', [2, 3, 1, 2], 'F32', 96],
      ],
    );
    for (const t of g.tensors) assert.equal((g.dataOffset + t.offset) % 32, 0, t.name);
    // the last tensor is padded too, as ggml's own writer does
    assert.equal(g.fileSize, g.dataOffset + 96 + 64);
    assert.deepEqual(readF32Tensor(g, 'b.weight'), ramp(15, 10));
    assert.deepEqual(readF32Tensor(g, 'c'), ramp(12, -3));
    // padding is zeros
    assert.ok(g.buffer.subarray(g.dataOffset + 12, g.dataOffset + 32).every((b) => b === 0));
  });

  it('records a non-default alignment as general.alignment and honours it', async () => {
    const file = path.join(dir, 'align64.gguf');
    await writeGgufFile(file, { ...spec, alignment: 64 });
    const g = readGgufFile(file);
    assert.deepEqual(g.metadata.get('general.alignment'), { type: 'uint32', value: 64 });
    assert.equal(g.alignment, 64);
    assert.equal(g.dataOffset % 64, 0);
    assert.deepEqual(g.tensors.map((t) => t.offset), [0, 64, 128]);
  });

  it('agrees with an independent reader (node-llama-cpp)', async function () {
    this.timeout(60000);
    const file = path.join(dir, 'independent.gguf');
    await writeGgufFile(file, spec);
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(file, { readTensorInfo: true });
    assert.equal(info.version, 3);
    assert.equal(Number(info.tensorCount), 3);
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    assert.deepEqual(meta.a.bools, [true, false, true]);
    assert.deepEqual(meta.a.strings, ['a', 'b c', 'Ġthe', '']);
    assert.equal(meta.t.str, 'héllo <|turn> ✓');
    assert.deepEqual(
      info.tensorInfo?.map((t) => [t.name, t.dimensions.map(Number), Number(t.offset)]),
      [
        ['a', [3], 0],
        ['b.weight', [5, 3], 32],
        ['c', [2, 3, 1, 2], 96],
      ],
    );
  });

  it('refuses bad input with a message naming what is wrong, leaving no file behind', async () => {
    const file = path.join(dir, 'bad.gguf');
    await assert.rejects(writeGgufFile(file, { metadata: [['k', gguf.u8(256)]], tensors: [] }), /"k".*uint8/);
    await assert.rejects(
      writeGgufFile(file, { metadata: [['k', gguf.u8(1)], ['k', gguf.u8(2)]], tensors: [] }),
      /appears twice/,
    );
    await assert.rejects(
      writeGgufFile(file, { metadata: [], tensors: [{ name: 'x', shape: [4], data: () => new Float32Array(3) }] }),
      /"x" produced 3 values.*needs 4/,
    );
    await assert.rejects(
      writeGgufFile(file, { metadata: [], tensors: [{ name: 'x', shape: [1, 1, 1, 1, 1], data: () => new Float32Array(1) }] }),
      /5 dimensions/,
    );
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.startsWith('bad.gguf')),
      [],
    );
  });
});
