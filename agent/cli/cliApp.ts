import type { SamplingOptions } from '../loop';
import { parseCli, USAGE } from './cliArgs';
import type { TextSink } from './eventPrinter';
import { runHeadless } from './headlessRun';

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Whether a person can answer approval questions on stdin. */
  stdinIsTty: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** `gemma-agent <argv>`: returns the exit code (0 answered, 1 failed, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCli(argv, io.env);
  if (parsed.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.stderr.write(`gemma-agent: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const o = parsed.options;
  const sampling: SamplingOptions = { thinking: o.thinking, thinkingBudget: o.thinkingBudget, thinkingSteps: o.thinkingSteps };
  if (o.maxTokens !== undefined) sampling.maxTokens = o.maxTokens;
  if (o.temperature !== undefined) sampling.temperature = o.temperature;
  const outcome = await runHeadless({
    workspace: o.workspace,
    ...(o.folders ? { folders: o.folders } : {}),
    endpoint: o.endpoint,
    apiKey: o.apiKey,
    model: o.model,
    request: o.request,
    approvals: o.approvals,
    network: o.network,
    maxSteps: o.maxSteps,
    contextSize: o.contextSize,
    sampling,
    keepEarlierThinking: o.keepEarlierThinking,
    fullRereads: o.fullRereads,
    out: io.stdout,
    json: o.json,
    interactive: io.stdinIsTty,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  return outcome.exitCode;
}
