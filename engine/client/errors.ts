import { abortError } from '../errors';

export { isAbortError } from '../errors';

/**
 * Failures talking to llama-server. `message` is written for the user (what failed and
 * what to do); `retryable` tells the agent loop whether sending the same request again
 * can succeed without changing anything.
 */
export abstract class EngineError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class EngineAuthError extends EngineError {
  readonly retryable = false;

  constructor(readonly detail?: string) {
    super(
      'The local engine refused the API key (HTTP 401). The engine was probably started by another ' +
        'window or restarted with a new key: restart it from Gemma Agent so both sides share one key.',
    );
  }
}

/**
 * The model wrote text the server's tool-call parser rejects (usually a malformed
 * `<|tool_call>` block). Sampling again normally produces a valid call.
 */
export class EngineOutputParseError extends EngineError {
  readonly retryable = true;

  constructor(
    readonly detail: string,
    /** Parser that rejected the output, e.g. 'peg-gemma4'. */
    readonly format: string | undefined,
  ) {
    super(
      `The model produced a tool call the engine could not parse${format ? ` (${format} format)` : ''}. ` +
        'Retrying usually fixes it; a lower temperature makes it rarer.',
    );
  }
}

export class EngineContextOverflowError extends EngineError {
  readonly retryable = false;

  constructor(
    readonly promptTokens: number | undefined,
    readonly contextSize: number | undefined,
    readonly detail: string,
  ) {
    super(
      `The conversation${promptTokens ? ` (${promptTokens} tokens)` : ''} no longer fits the engine's ` +
        `context${contextSize ? ` of ${contextSize} tokens` : ''}. Start a new chat, drop attachments, ` +
        'or raise the context size in the settings.',
    );
  }
}

/** 503 while llama-server is still loading the model. */
export class EngineLoadingError extends EngineError {
  readonly retryable = true;

  constructor(readonly detail?: string) {
    super('The local engine is still loading the model. Wait a moment and try again.');
  }
}

export class EngineHttpError extends EngineError {
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    /** Raw response body, for logs. */
    readonly body: string,
    /** The server's own error message when the body had one. */
    readonly detail?: string,
  ) {
    super(
      `The local engine answered HTTP ${status}${detail ? `: ${detail}` : ''}. ` +
        (status >= 500
          ? 'Try again; if it keeps failing, restart the engine and check its log.'
          : 'This is a bug in the request Gemma Agent sent; please report it with the engine log.'),
    );
    // 501 means a feature is switched off at spawn (e.g. --metrics): retrying cannot help.
    this.retryable = status >= 500 && status !== 501;
  }
}

export class EngineUnavailableError extends EngineError {
  readonly retryable = true;

  constructor(readonly url: string, options?: { cause?: unknown }) {
    super(
      `Nothing answers at ${url}: the local engine is not running. Start it from Gemma Agent ` +
        '(or check its log for why it stopped) and try again.',
      options,
    );
  }
}

export class EngineConnectionLostError extends EngineError {
  readonly retryable = true;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      `The connection to the local engine broke before the reply finished (${reason}). The engine may ` +
        'have crashed or restarted; try again.',
      options,
    );
  }
}

export class EngineTimeoutError extends EngineError {
  readonly retryable = true;

  constructor(
    readonly timeoutMs: number,
    /** 'headers': no response started; 'body': the response went silent; 'turn': the whole reply took longer than its deadline. */
    readonly phase: 'headers' | 'body' | 'turn',
  ) {
    const seconds = Math.round(timeoutMs / 100) / 10;
    super(
      phase === 'headers'
        ? `The local engine did not start answering within ${seconds} s. It may be busy with another ` +
            'request or stuck; try again, or restart the engine.'
        : phase === 'turn'
          ? `The reply did not finish within ${seconds} s. The engine may be stuck (keepalives without progress); try again, or restart the engine.`
          : `The local engine went silent for ${seconds} s in the middle of a reply. It may be overloaded ` +
            'or stuck; try again, or restart the engine.',
    );
  }
}

/** The server answered something that is not the llama-server API (wrong port, proxy, bug). */
export class EngineProtocolError extends EngineError {
  readonly retryable = false;

  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      `The local engine sent a reply Gemma Agent cannot read (${detail}). Check that the configured ` +
        'engine URL points at llama-server.',
      options,
    );
  }
}

/** Cancellation is not a failure: it surfaces as the platform's AbortError so callers treat it like fetch's. */
export function createAbortError(): DOMException {
  return abortError('The request to the local engine was cancelled.');
}
