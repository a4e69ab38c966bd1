/** Everything that decides how llama-server is launched; turned into flags by serverArgs(). */
export interface EngineLaunchConfig {
  binary: string;
  model: string;
  drafter?: string;
  projector?: string;
  /** Tokens; 0 = the model's training context. */
  contextSize: number;
  /** 'auto', 'all' or a number of layers. */
  gpuLayers: string;
  /** 0 or undefined lets llama-server decide. */
  threads?: number;
  /**
   * Concurrent request slots (default 2): an inline chat sent while an agent step runs gets
   * its own slot and starts at once (18 ms measured, against the whole step with one slot),
   * and the agent's slot keeps its prompt cache. The slots share one KV buffer
   * (`--kv-unified`), so each may use the full context and the memory plan stays the same.
   */
  parallel?: number;
  draft?: { maxTokens: number; minProbability: number };
  /** llama-server's host-memory prompt cache in MiB (`--cache-ram`); set, not left at its 8 GiB default, so the memory plan can count it. */
  hostCacheMiB?: number;
  reasoning?: 'on' | 'off' | 'auto';
  extraArgs?: string[];
}

export const DEFAULT_PARALLEL = 2;

/**
 * llama-server flags. Port 0 lets the OS pick a free port (read back from the log), which
 * avoids the race of probing for a port first. Only loopback is ever bound, and every
 * route but /health needs the random key.
 */
export function serverArgs(config: EngineLaunchConfig, apiKey: string): string[] {
  const args = ['--host', '127.0.0.1', '--port', '0', '--api-key', apiKey, '--metrics', '--no-webui', '--jinja'];
  args.push('-m', config.model);
  args.push('-c', String(Math.max(0, Math.floor(config.contextSize))));
  args.push('-ngl', config.gpuLayers.trim() || 'auto');
  const parallel = Math.max(1, Math.floor(config.parallel ?? DEFAULT_PARALLEL));
  args.push('-np', String(parallel));
  if (parallel > 1) args.push('--kv-unified');
  if (config.hostCacheMiB !== undefined) args.push('--cache-ram', String(Math.max(0, Math.floor(config.hostCacheMiB))));
  if (config.threads && config.threads > 0) args.push('-t', String(config.threads));
  if (config.projector) {
    // Image patches are decoded non-causally in one micro-batch: the server aborts on an image
    // with more patches than -ub (default 512). 2048 covers the projector's 1120-patch maximum.
    args.push('--mmproj', config.projector, '-b', '2048', '-ub', '2048');
  }
  if (config.drafter && config.draft) {
    // The type must be explicit: auto-detection does not recognise a local Gemma 4 drafter.
    args.push('-md', config.drafter, '--spec-type', 'draft-mtp', '--spec-draft-n-max', String(config.draft.maxTokens), '--spec-draft-p-min', String(config.draft.minProbability));
  }
  if (config.reasoning) args.push('--reasoning', config.reasoning);
  args.push(...(config.extraArgs ?? []));
  return args;
}

/** Matches llama-server's "listening on http://127.0.0.1:PORT" line. */
export function parseListeningUrl(line: string): string | undefined {
  const match = /listening on (https?:\/\/[^\s]+:\d+)/.exec(line);
  return match?.[1];
}
