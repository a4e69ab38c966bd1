import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GgufFile, metadataValue, readF32Tensor, readGgufFile } from '../../engine/gguf/ggufReader';
import { GEMMA4_SPECIAL_TOKENS } from '../../scripts/testModels/gemma4Vocab';
import {
  TINY_GEMMA4_FILES,
  TINY_GEMMA4_VERSION,
  TinyGemma4Set,
  ensureTinyGemma4Set,
  writeTinyGemma4Set,
} from '../../scripts/testModels/tinyGemma4';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';

function u32(file: GgufFile, key: string): number {
  return metadataValue(file, key, 'uint32').value;
}

function shapeOf(file: GgufFile, name: string): readonly number[] {
  const t = file.tensors.find((x) => x.name === name);
  assert.ok(t, `tensor ${name} is missing`);
  return t.shape;
}

describe('tiny Gemma 4 set', () => {
  let root: string;
  let a: TinyGemma4Set;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-gemma4-'));
    a = await writeTinyGemma4Set(path.join(root, 'a'), { seed: 7, chatTemplate: TEMPLATE });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is deterministic for a seed and differs across seeds', async () => {
    const again = await writeTinyGemma4Set(path.join(root, 'b'), { seed: 7, chatTemplate: TEMPLATE });
    const other = await writeTinyGemma4Set(path.join(root, 'c'), { seed: 8, chatTemplate: TEMPLATE });
    for (const role of ['model', 'drafter', 'projector'] as const) {
      assert.ok(path.isAbsolute(a[role]));
      assert.equal(path.basename(a[role]), TINY_GEMMA4_FILES[role]);
      assert.ok(fs.readFileSync(a[role]).equals(fs.readFileSync(again[role])), `${role} differs for one seed`);
      assert.ok(!fs.readFileSync(a[role]).equals(fs.readFileSync(other[role])), `${role} ignores the seed`);
    }
  });

  it('writes three consistent files: drafter and projector fit the target', () => {
    const target = readGgufFile(a.model);
    const drafter = readGgufFile(a.drafter);
    const proj = readGgufFile(a.projector);

    assert.equal(metadataValue(target, 'general.architecture', 'string').value, 'gemma4');
    assert.equal(metadataValue(drafter, 'general.architecture', 'string').value, 'gemma4-assistant');
    assert.equal(metadataValue(proj, 'general.architecture', 'string').value, 'clip');
    assert.equal(metadataValue(proj, 'general.type', 'string').value, 'mmproj');

    const nEmbd = u32(target, 'gemma4.embedding_length');
    const nEmbdDrafter = u32(drafter, 'gemma4-assistant.embedding_length');
    assert.notEqual(nEmbdDrafter, nEmbd, 'llama.cpp refuses a drafter as wide as its target');
    assert.equal(u32(drafter, 'gemma4-assistant.embedding_length_out'), nEmbd);
    assert.equal(
      u32(drafter, 'gemma4-assistant.nextn_predict_layers'),
      u32(drafter, 'gemma4-assistant.block_count'),
    );
    for (const k of ['key_length', 'value_length', 'key_length_swa', 'head_count_kv']) {
      assert.equal(u32(drafter, `gemma4-assistant.attention.${k}`), u32(target, `gemma4.attention.${k}`), k);
    }
    assert.equal(u32(proj, 'clip.vision.projection_dim'), nEmbd);
    assert.equal(u32(proj, 'clip.audio.projection_dim'), nEmbd);
    assert.equal(metadataValue(proj, 'clip.vision.projector_type', 'string').value, 'gemma4uv');
    assert.equal(metadataValue(proj, 'clip.audio.projector_type', 'string').value, 'gemma4ua');

    // the drafter shares the target's last full and last sliding KV caches
    const pattern = metadataValue(target, 'gemma4.attention.sliding_window_pattern', 'array');
    assert.equal(pattern.itemType, 'bool');
    assert.equal(pattern.items.length, u32(target, 'gemma4.block_count'));
    assert.deepEqual(pattern.items.slice(-2), [true, false]);

    assert.deepEqual(shapeOf(drafter, 'nextn.pre_projection.weight'), [2 * nEmbd, nEmbdDrafter]);
    assert.deepEqual(shapeOf(drafter, 'nextn.post_projection.weight'), [nEmbdDrafter, nEmbd]);
    assert.deepEqual(shapeOf(proj, 'mm.input_projection.weight').at(-1), nEmbd);
    assert.deepEqual(shapeOf(proj, 'mm.a.input_projection.weight'), [640, nEmbd]);
    assert.deepEqual(shapeOf(proj, 'v.patch_embd.weight'), [48 * 48 * 3, u32(proj, 'clip.vision.embedding_length')]);
  });

  it('gives target and drafter the same byte-level vocabulary with Gemma 4 special tokens', () => {
    const target = readGgufFile(a.model);
    const drafter = readGgufFile(a.drafter);
    const tokens = metadataValue(target, 'tokenizer.ggml.tokens', 'array');
    assert.equal(tokens.itemType, 'string');
    assert.deepEqual(metadataValue(drafter, 'tokenizer.ggml.tokens', 'array'), tokens);
    assert.equal(metadataValue(target, 'tokenizer.ggml.model', 'string').value, 'gpt2');
    const texts = tokens.items as readonly string[];
    for (const special of GEMMA4_SPECIAL_TOKENS) assert.ok(texts.includes(special), special);
    assert.equal(texts.length, GEMMA4_SPECIAL_TOKENS.length + 256 + metadataValue(target, 'tokenizer.ggml.merges', 'array').items.length);
    assert.ok(metadataValue(target, 'tokenizer.ggml.merges', 'array').items.length >= 1);
    for (const [key, text] of [
      ['bos', '<bos>'],
      ['eos', '<eos>'],
      ['padding', '<pad>'],
      ['unknown', '<unk>'],
      ['eot', '<turn|>'],
    ]) {
      assert.equal(texts[u32(target, `tokenizer.ggml.${key}_token_id`)], text, key);
      assert.equal(u32(drafter, `tokenizer.ggml.${key}_token_id`), u32(target, `tokenizer.ggml.${key}_token_id`));
    }
    assert.equal(metadataValue(target, 'tokenizer.chat_template', 'string').value, TEMPLATE);
    const embd = shapeOf(target, 'token_embd.weight');
    assert.deepEqual(embd, [u32(target, 'gemma4.embedding_length'), texts.length]);
  });

  it('keeps special tokens quiet in the tied output so greedy replies are plain text', () => {
    const target = readGgufFile(a.model);
    const [width] = shapeOf(target, 'token_embd.weight');
    const embd = readF32Tensor(target, 'token_embd.weight');
    const texts = metadataValue(target, 'tokenizer.ggml.tokens', 'array').items as readonly string[];
    const rms = (id: number): number => {
      let s = 0;
      for (let i = 0; i < width; i++) s += embd[id * width + i] ** 2;
      return Math.sqrt(s / width);
    };
    assert.ok(rms(texts.indexOf('<turn|>')) < 0.1);
    assert.ok(rms(texts.indexOf('<|tool_call>')) < 0.1);
    assert.ok(rms(texts.indexOf('a')) > 0.5);
  });

  it('uses the official Gemma 4 chat template by default', async function () {
    this.timeout(120000);
    const set = await writeTinyGemma4Set(path.join(root, 'd'));
    const template = metadataValue(readGgufFile(set.model), 'tokenizer.chat_template', 'string').value;
    assert.match(template, /<\|turn>/);
    assert.match(template, /<\|tool_call>/);
  });

  it('caches the set per generator version and reuses it', async function () {
    this.timeout(120000);
    const cache = path.join(root, 'cache');
    const first = await ensureTinyGemma4Set(cache);
    assert.equal(path.dirname(first.model), path.join(cache, 'test-models', `tiny-gemma4-v${TINY_GEMMA4_VERSION}`));
    const written = fs.statSync(first.model).mtimeMs;
    const second = await ensureTinyGemma4Set(cache);
    assert.deepEqual(second, first);
    assert.equal(fs.statSync(second.model).mtimeMs, written);
    assert.deepEqual(fs.readdirSync(path.join(cache, 'test-models')), [`tiny-gemma4-v${TINY_GEMMA4_VERSION}`]);
  });
});
