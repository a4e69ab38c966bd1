import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeGgufFile } from '../../engine/gguf/ggufWriter';
import { gguf } from '../../engine/gguf/ggufTypes';
import { buildGemma4Vocab } from '../../scripts/testModels/gemma4Vocab';
import { TINY_GEMMA4 } from '../../scripts/testModels/tinyGemma4Config';
import { TinyGemma4Set, writeTinyGemma4Set } from '../../scripts/testModels/tinyGemma4';
import { CorruptModelFileError, ModelNotFoundError } from '../../engine/models/errors';
import { ggmlTensorBytes } from '../../engine/models/ggmlTypeSizes';
import { readGgufHeader } from '../../engine/models/ggufHeader';
import { ModelFileInfo, ProjectorInfo, TextModelInfo, inspectModelFile } from '../../engine/models/modelInfo';
import { ModelSetProblem, checkModelSet } from '../../engine/models/modelSetCheck';
import { llamaSourceDir } from '../../engine/binary/llamaSource';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';

function asText(info: ModelFileInfo): TextModelInfo {
  assert.equal(info.kind, 'text', `${info.path} should be a text model`);
  return info as TextModelInfo;
}

function asProjector(info: ModelFileInfo): ProjectorInfo {
  assert.equal(info.kind, 'projector', `${info.path} should be a projector`);
  return info as ProjectorInfo;
}

function only(problems: ModelSetProblem[], severity: 'error' | 'warning'): ModelSetProblem[] {
  return problems.filter((p) => p.severity === severity);
}

describe('models: GGUF inspection and set check', () => {
  let root: string;
  let set: TinyGemma4Set;
  let model: TextModelInfo;
  let drafter: TextModelInfo;
  let projector: ProjectorInfo;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'models-inspect-'));
    set = await writeTinyGemma4Set(path.join(root, 'set'), { chatTemplate: TEMPLATE });
    model = asText(await inspectModelFile(set.model));
    drafter = asText(await inspectModelFile(set.drafter));
    projector = asProjector(await inspectModelFile(set.projector));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the target model without loading it', async () => {
    const t = TINY_GEMMA4.target;
    assert.equal(model.architecture, 'gemma4');
    assert.equal(model.fileSize, fs.statSync(set.model).size);
    assert.equal(model.embeddingLength, t.nEmbd);
    assert.equal(model.blockCount, t.nLayer);
    assert.equal(model.contextLength, TINY_GEMMA4.contextLength);
    assert.deepEqual(model.headCount, new Array(t.nLayer).fill(t.nHead));
    assert.deepEqual(model.headCountKv, new Array(t.nLayer).fill(t.nHeadKv));
    assert.equal(model.keyLength, t.headDim);
    assert.equal(model.valueLength, t.headDim);
    assert.equal(model.keyLengthSwa, t.headDim);
    assert.equal(model.slidingWindow, TINY_GEMMA4.slidingWindow);
    assert.deepEqual(model.slidingWindowPattern, t.slidingPattern);
    assert.equal(model.vocabularySize, buildGemma4Vocab().tokens.length);
    assert.equal(model.sharedKvLayers, 0);
    assert.equal(model.layerWeightBytes.length, t.nLayer);
    assert.ok(model.layerWeightBytes.every((b) => b > 0));
    assert.ok(model.tiedOutput, 'the tiny target ties its output to token_embd');
    const header = await readGgufHeader(set.model);
    const tensorBytes = header.tensors.reduce((n, x) => n + x.byteLength, 0);
    assert.equal(model.otherWeightBytes + model.layerWeightBytes.reduce((a, b) => a + b, 0), tensorBytes);
  });

  it('reads the drafter and the projector', () => {
    assert.equal(drafter.architecture, 'gemma4-assistant');
    assert.equal(drafter.embeddingLength, TINY_GEMMA4.drafter.nEmbd);
    assert.equal(drafter.embeddingLengthOut, TINY_GEMMA4.target.nEmbd);
    assert.equal(drafter.vocabularySize, model.vocabularySize);
    assert.equal(projector.architecture, 'clip');
    assert.deepEqual(projector.vision, {
      projectorType: 'gemma4uv',
      projectionDim: TINY_GEMMA4.target.nEmbd,
      embeddingLength: TINY_GEMMA4.projector.visionEmbd,
    });
    assert.equal(projector.audio?.projectorType, 'gemma4ua');
    assert.equal(projector.audio?.projectionDim, TINY_GEMMA4.target.nEmbd);
  });

  it('finds nothing wrong with a matching set', () => {
    assert.deepEqual(checkModelSet({ model, drafter, projector }), []);
    assert.deepEqual(checkModelSet({ model }), []);
  });

  it('says which role a file belongs in when it is in the wrong one', () => {
    const swapped = checkModelSet({ model: drafter, drafter: model, projector: model });
    assert.equal(swapped.length, 3);
    assert.ok(swapped.every((p) => p.severity === 'error'));
    assert.match(swapped[0].message, /MTP drafter; it belongs as the drafter/);
    assert.match(swapped[1].message, /Gemma 4 main model; it belongs as the model/);
    assert.match(swapped[2].message, /it belongs as the model/);
    const projectorAsModel = checkModelSet({ model: projector });
    assert.match(projectorAsModel[0].message, /multimodal projector \(mmproj\); it belongs as the projector/);
    const otherArch = checkModelSet({ model: { ...model, architecture: 'llama' } });
    assert.match(otherArch[0].message, /architecture "llama"/);
  });

  it('rejects a drafter made for another model size or vocabulary', () => {
    const wrongWidth = checkModelSet({ model, drafter: { ...drafter, embeddingLengthOut: 3840 } });
    assert.equal(wrongWidth.length, 1);
    assert.equal(wrongWidth[0].role, 'drafter');
    assert.match(wrongWidth[0].message, /embedding length 3840.*has 64/);

    const wrongVocab = checkModelSet({ model, drafter: { ...drafter, vocabularySize: 1000 } });
    assert.equal(wrongVocab.length, 1);
    assert.match(wrongVocab[0].message, /1000 tokens/);

    const wrongHeads = checkModelSet({ model, drafter: { ...drafter, keyLength: 128 } });
    assert.equal(wrongHeads.length, 1);
    assert.match(wrongHeads[0].message, /reads the model's cache/);
  });

  it('rejects a projector for another model and warns when a modality is missing', () => {
    const wrongDim = checkModelSet({
      model,
      projector: { ...projector, vision: { ...projector.vision, projectionDim: 3840 } },
    });
    assert.equal(wrongDim.length, 1);
    assert.equal(wrongDim[0].role, 'projector');
    assert.match(wrongDim[0].message, /projects vision into 3840 dimensions/);

    const wrongType = checkModelSet({ model, projector: { ...projector, audio: { projectorType: 'whisper', projectionDim: 64 } } });
    assert.match(only(wrongType, 'error')[0].message, /audio projector of type "whisper"; Gemma 4 needs "gemma4ua"/);

    const visionOnly = checkModelSet({ model, projector: { ...projector, audio: undefined } });
    assert.equal(only(visionOnly, 'error').length, 0);
    assert.equal(only(visionOnly, 'warning').length, 1);
    assert.match(visionOnly[0].message, /no audio encoder, so voice input will be off/);

    const neither = checkModelSet({ model, projector: { ...projector, audio: undefined, vision: undefined } });
    assert.equal(only(neither, 'error').length, 1);
  });

  it('reads a projector file that has only a vision encoder', async () => {
    const file = path.join(root, 'vision-only.gguf');
    await writeGgufFile(file, {
      metadata: [
        ['general.architecture', gguf.str('clip')],
        ['general.type', gguf.str('mmproj')],
        ['clip.has_vision_encoder', gguf.bool(true)],
        ['clip.has_audio_encoder', gguf.bool(false)],
        ['clip.vision.projector_type', gguf.str('gemma4uv')],
        ['clip.vision.projection_dim', gguf.u32(64)],
      ],
      tensors: [],
    });
    const info = asProjector(await inspectModelFile(file));
    assert.equal(info.audio, undefined);
    const problems = checkModelSet({ model, projector: info });
    assert.deepEqual(problems.map((p) => p.severity), ['warning']);
  });

  it('reports a model file that lacks required keys', async () => {
    const file = path.join(root, 'bare.gguf');
    await writeGgufFile(file, { metadata: [['general.architecture', gguf.str('gemma4')]], tensors: [] });
    const problems = checkModelSet({ model: await inspectModelFile(file) });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /lacks gemma4\.embedding_length, gemma4\.block_count, tokenizer\.ggml\.tokens/);
  });

  it('rejects a truncated file, a file that is not GGUF, and a missing file', async () => {
    const cut = path.join(root, 'cut.gguf');
    const bytes = fs.readFileSync(set.model);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await assert.rejects(inspectModelFile(cut), (e: unknown) => e instanceof CorruptModelFileError && /cut short/.test(e.message));

    const headerOnly = path.join(root, 'header-only.gguf');
    fs.writeFileSync(headerOnly, bytes.subarray(0, 200));
    await assert.rejects(inspectModelFile(headerOnly), CorruptModelFileError);

    const html = path.join(root, 'page.gguf');
    fs.writeFileSync(html, '<!doctype html><html>login</html>');
    await assert.rejects(inspectModelFile(html), (e: unknown) => e instanceof CorruptModelFileError && /does not start with "GGUF"/.test(e.message));

    await assert.rejects(inspectModelFile(path.join(root, 'absent.gguf')), ModelNotFoundError);
  });

  it('keeps long arrays as a length only', async () => {
    const header = await readGgufHeader(set.model, { maxArrayItems: 10 });
    const tokens = header.metadata.get('tokenizer.ggml.tokens');
    assert.ok(typeof tokens === 'object' && tokens.kind === 'array');
    assert.equal(tokens.items, undefined);
    assert.equal(tokens.length, model.vocabularySize);
  });

  it('knows the block sizes of quantized tensor types', () => {
    assert.equal(ggmlTensorBytes(0, [64, 2]), 512); // F32
    assert.equal(ggmlTensorBytes(1, [64]), 128); // F16
    assert.equal(ggmlTensorBytes(8, [64]), 68); // Q8_0: 2 blocks of 34
    assert.equal(ggmlTensorBytes(12, [3840, 2]), 15 * 2 * 144); // Q4_K
    assert.equal(ggmlTensorBytes(14, [256]), 210); // Q6_K
    assert.equal(ggmlTensorBytes(999, [1]), undefined);
  });

  // The real Gemma 4 tokenizer file from llama.cpp's test models, when the source is unpacked.
  const vocabFile = path.join(llamaSourceDir(), 'models', 'ggml-vocab-gemma-4.gguf');
  (fs.existsSync(vocabFile) ? it : it.skip)('reads the header of a real Gemma 4 file, with per-layer KV heads', async () => {
    const info = asText(await inspectModelFile(vocabFile));
    assert.equal(info.architecture, 'gemma4');
    assert.equal(info.vocabularySize, 262144);
    assert.equal(info.blockCount, 30);
    assert.equal(info.keyLength, 512);
    assert.equal(info.keyLengthSwa, 256);
    assert.equal(info.slidingWindow, 1024);
    // Full-attention layers (every sixth) have 2 KV heads, sliding ones 8.
    assert.deepEqual(info.headCountKv?.slice(0, 6), [8, 8, 8, 8, 8, 2]);
    assert.deepEqual(info.slidingWindowPattern?.slice(0, 6), [true, true, true, true, true, false]);
  });
});
