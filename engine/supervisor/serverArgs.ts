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
  /** Concurrent request slots; one window needs one, inline chat may run beside the chat. */
  parallel?: number;
  draft?: { maxTokens: number; minProbability: number };
  /** llama-server's host-memory prompt cache in MiB (`--cache-ram`); set, not left at its 8 GiB default, so the memory plan can count it. */
  hostCacheMiB?: number;
  reasoning?: 'on' | 'off' | 'auto';
  extraArgs?: string[];
}

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
  args.push('-np', String(config.parallel ?? 1));
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
