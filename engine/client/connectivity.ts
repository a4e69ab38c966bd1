import { isAbortError } from '../errors';
import type { EngineClient, ServedModel } from './engineClient';
import {
  EngineHttpError,
  EngineLoadingError,
  EngineModelMissingError,
  EngineModelRequiredError,
  EngineNotOpenAiError,
  EngineProtocolError,
} from './errors';

/** 'unknown': the server has no /health (Ollama, LM Studio) and its model list answered, which is as good. */
export type EngineReadiness = 'ok' | 'loading' | 'unknown';

export interface EngineCheck {
  /** The model every request should name: the one asked for (as the server spells it), or the only one it lists. */
  model: string | undefined;
  /** What GET /v1/models lists; empty while a llama-server still loads. */
  models: ServedModel[];
  readiness: EngineReadiness;
  /** Tokens one request may hold: /props' n_ctx, else the chosen model's entry in /v1/models; undefined when the server does not say. */
  contextSize?: number;
  /** What /props says the model takes; only llama-server has /props. */
  modalities?: { vision: boolean; audio: boolean };
}

export interface EngineCheckOptions {
  /** The model asked for (a setting or a flag); empty or undefined: let the server's list decide. */
  model?: string | undefined;
  signal?: AbortSignal;
}

/** Ollama's "gemma4" is its "gemma4:latest". */
const withoutLatest = (id: string): string => id.replace(/:latest$/, '');

/** The listed model that `wanted` names: the same id, or the same but for case or Ollama's ":latest". */
export function findServedModel(models: readonly ServedModel[], wanted: string): ServedModel | undefined {
  return (
    models.find((m) => m.id === wanted) ??
    models.find((m) => m.id.toLowerCase() === wanted.toLowerCase()) ??
    models.find((m) => withoutLatest(m.id).toLowerCase() === withoutLatest(wanted).toLowerCase())
  );
}

/**
 * Checks that an engine answers as an OpenAI-compatible server and serves the model asked
 * for: GET /v1/models (nothing answers, a wrong key, a page that is not such a server and a
 * model it does not serve each fail here with their own coded error), then /health where
 * there is one, then llama-server's /props for what the model takes and its context size.
 * A llama-server that is still loading answers 503; that is not a failure, the check says so.
 */
export async function checkEngine(client: EngineClient, options: EngineCheckOptions = {}): Promise<EngineCheck> {
  const request = options.signal ? { signal: options.signal } : {};
  const wanted = options.model?.trim() || undefined;

  let models: ServedModel[] | 'loading';
  try {
    models = await client.models(request);
  } catch (error) {
    if (error instanceof EngineLoadingError) models = 'loading';
    else throw notAnEngine(error, client.baseUrl);
  }

  let chosen: ServedModel | undefined;
  let model = wanted;
  if (models !== 'loading') {
    const ids = models.map((m) => m.id);
    if (wanted !== undefined) {
      chosen = findServedModel(models, wanted);
      if (!chosen) throw models.length === 0 ? new EngineModelMissingError(wanted, [], undefined, true) : new EngineModelMissingError(wanted, ids);
    } else if (models.length === 1) {
      chosen = models[0];
    } else if (models.length === 0) {
      throw new EngineModelMissingError(undefined, [], undefined, true);
    } else {
      throw new EngineModelRequiredError(ids);
    }
    model = chosen?.id;
  }

  let readiness: EngineReadiness = models === 'loading' ? 'loading' : 'unknown';
  try {
    readiness = await client.health(request);
  } catch (error) {
    if (isAbortError(error, options.signal)) throw error;
    // No /health (Ollama answers 404, LM Studio a 200 that is not one): the model list said enough.
  }

  const check: EngineCheck = { model, models: models === 'loading' ? [] : models, readiness };
  if (chosen?.contextSize) check.contextSize = chosen.contextSize;
  if (readiness !== 'loading') {
    try {
      const props = await client.props(request);
      check.modalities = props.modalities;
      if (props.n_ctx > 0) check.contextSize = props.n_ctx;
    } catch (error) {
      if (isAbortError(error, options.signal)) throw error;
      // Not a llama-server: what it takes comes from elsewhere.
    }
  }
  return check;
}

/** A failed GET /v1/models: a 404, a body that is not a model list, or anything else that is not an OpenAI-compatible server. */
function notAnEngine(error: unknown, url: string): unknown {
  if (error instanceof EngineHttpError && (error.status === 404 || error.status === 405)) {
    return new EngineNotOpenAiError(url, `GET /v1/models answered HTTP ${error.status}`, error.status);
  }
  if (error instanceof EngineProtocolError) return new EngineNotOpenAiError(url, String(error.facts.detail ?? error.message));
  return error;
}
