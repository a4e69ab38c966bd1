import * as path from 'node:path';
import { ModelFileInfo, ProjectorEncoderInfo, TextModelInfo } from './modelInfo';
import { ModelRole } from './modelRole';

/**
 * Checks that the model, drafter and projector belong together before llama-server is
 * started: a mismatch there shows up as a crash or a cryptic log line, here as a sentence.
 */

export interface ModelSetInfo {
  readonly model: ModelFileInfo;
  readonly drafter?: ModelFileInfo;
  readonly projector?: ModelFileInfo;
}

export interface ModelSetProblem {
  /** An error stops the engine from starting; a warning turns a capability off. */
  readonly severity: 'error' | 'warning';
  readonly role: ModelRole;
  readonly message: string;
}

export const MODEL_ARCHITECTURE = 'gemma4';
export const DRAFTER_ARCHITECTURE = 'gemma4-assistant';
export const VISION_PROJECTOR_TYPE = 'gemma4uv';
export const AUDIO_PROJECTOR_TYPE = 'gemma4ua';

function fileName(info: ModelFileInfo): string {
  return path.basename(info.path);
}

/** Names what a misplaced file actually is, so the message can say which role it has. */
function whatItIs(info: ModelFileInfo): string {
  if (info.kind === 'projector') return 'a multimodal projector (mmproj); it belongs as the projector';
  if (info.architecture === DRAFTER_ARCHITECTURE) return 'a Gemma 4 MTP drafter; it belongs as the drafter';
  if (info.architecture === MODEL_ARCHITECTURE) return 'a Gemma 4 main model; it belongs as the model';
  return `a model of architecture "${info.architecture || 'unknown'}"`;
}

function checkModel(info: ModelFileInfo, problems: ModelSetProblem[]): TextModelInfo | undefined {
  if (info.kind !== 'text' || info.architecture !== MODEL_ARCHITECTURE) {
    problems.push({
      severity: 'error',
      role: 'model',
      message:
        `${fileName(info)} is ${whatItIs(info)}. The model must be a Gemma 4 model ` +
        `(GGUF architecture "${MODEL_ARCHITECTURE}"), for example hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M.`,
    });
    return undefined;
  }
  const missing = [
    info.embeddingLength === undefined ? `${MODEL_ARCHITECTURE}.embedding_length` : undefined,
    info.blockCount === undefined ? `${MODEL_ARCHITECTURE}.block_count` : undefined,
    info.vocabularySize === undefined ? 'tokenizer.ggml.tokens' : undefined,
  ].filter((k): k is string => k !== undefined);
  if (missing.length > 0) {
    problems.push({
      severity: 'error',
      role: 'model',
      message: `${fileName(info)} lacks ${missing.join(', ')}, so it is not a complete Gemma 4 model file. Download it again.`,
    });
    return undefined;
  }
  return info;
}

function checkDrafter(info: ModelFileInfo, model: TextModelInfo | undefined, problems: ModelSetProblem[]): void {
  const error = (message: string): void => {
    problems.push({ severity: 'error', role: 'drafter', message });
  };
  if (info.kind !== 'text' || info.architecture !== DRAFTER_ARCHITECTURE) {
    error(
      `${fileName(info)} is ${whatItIs(info)}. The drafter must be the Gemma 4 MTP drafter ` +
        `(GGUF architecture "${DRAFTER_ARCHITECTURE}"), or be left out to run without one.`,
    );
    return;
  }
  if (!model) return;
  const advice = 'Use the drafter released with this model, or run without a drafter.';
  if (info.embeddingLengthOut === undefined) {
    error(`${fileName(info)} lacks ${DRAFTER_ARCHITECTURE}.embedding_length_out, so it cannot be matched to the model. ${advice}`);
  } else if (info.embeddingLengthOut !== model.embeddingLength) {
    error(
      `${fileName(info)} drafts for a model of embedding length ${info.embeddingLengthOut}, but ` +
        `${fileName(model)} has ${model.embeddingLength}: they are different sizes of Gemma 4. ${advice}`,
    );
  }
  if (info.vocabularySize !== model.vocabularySize) {
    error(
      `${fileName(info)} has ${info.vocabularySize ?? 'no'} tokens in its vocabulary and ${fileName(model)} has ` +
        `${model.vocabularySize}; the drafter must share the model's vocabulary. ${advice}`,
    );
  }
  // The drafter has no KV cache of its own: it attends over the model's, so head sizes must agree.
  const headMismatch =
    (info.keyLength !== undefined && info.keyLength !== model.keyLength) ||
    (info.keyLengthSwa !== undefined && info.keyLengthSwa !== model.keyLengthSwa);
  if (headMismatch) {
    error(
      `${fileName(info)} uses attention heads of size ${info.keyLength}/${info.keyLengthSwa} (full/sliding) but ` +
        `${fileName(model)} uses ${model.keyLength}/${model.keyLengthSwa}; the drafter reads the model's cache, ` +
        `so they must match. ${advice}`,
    );
  }
}

function checkEncoder(
  projectorFile: string,
  encoder: ProjectorEncoderInfo | undefined,
  modality: 'vision' | 'audio',
  model: TextModelInfo | undefined,
  problems: ModelSetProblem[],
): void {
  const expectedType = modality === 'vision' ? VISION_PROJECTOR_TYPE : AUDIO_PROJECTOR_TYPE;
  const capability = modality === 'vision' ? 'screenshots and images' : 'voice input';
  if (!encoder) {
    problems.push({
      severity: 'warning',
      role: 'projector',
      message: `${projectorFile} has no ${modality} encoder, so ${capability} will be off.`,
    });
    return;
  }
  if (encoder.projectorType !== expectedType) {
    problems.push({
      severity: 'error',
      role: 'projector',
      message:
        `${projectorFile} has a ${modality} projector of type "${encoder.projectorType ?? 'unknown'}"; ` +
        `Gemma 4 needs "${expectedType}". Use the mmproj file released with this model.`,
    });
    return;
  }
  if (model && encoder.projectionDim !== model.embeddingLength) {
    problems.push({
      severity: 'error',
      role: 'projector',
      message:
        `${projectorFile} projects ${modality} into ${encoder.projectionDim ?? 'an unknown number of'} dimensions, ` +
        `but ${path.basename(model.path)} has embedding length ${model.embeddingLength}: it was made for another ` +
        'size of Gemma 4. Use the mmproj file released with this model.',
    });
  }
}

function checkProjector(info: ModelFileInfo, model: TextModelInfo | undefined, problems: ModelSetProblem[]): void {
  if (info.kind !== 'projector') {
    problems.push({
      severity: 'error',
      role: 'projector',
      message:
        `${fileName(info)} is ${whatItIs(info)}. The projector must be a Gemma 4 mmproj file ` +
        '(GGUF architecture "clip"), or be left out to run without images and voice.',
    });
    return;
  }
  if (!info.vision && !info.audio) {
    problems.push({
      severity: 'error',
      role: 'projector',
      message: `${fileName(info)} has neither a vision nor an audio encoder. Use the mmproj file released with this model.`,
    });
    return;
  }
  checkEncoder(fileName(info), info.vision, 'vision', model, problems);
  checkEncoder(fileName(info), info.audio, 'audio', model, problems);
}

/** Returns every problem found, errors and warnings; an empty list means the set is usable. */
export function checkModelSet(set: ModelSetInfo): ModelSetProblem[] {
  const problems: ModelSetProblem[] = [];
  const model = checkModel(set.model, problems);
  if (set.drafter) checkDrafter(set.drafter, model, problems);
  if (set.projector) checkProjector(set.projector, model, problems);
  return problems;
}
