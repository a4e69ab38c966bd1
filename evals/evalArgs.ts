import { parseArgs } from 'node:util';
import { DEFAULT_THINKING_BUDGET, type SamplingOptions } from '../agent/loop';
import { errorMessage } from '../engine/errors';
import { positiveInt } from '../agent/cli/cliArgs';
import type { EvalOptions } from './evalHarness';

export const USAGE =
  'Usage: npx tsx evals/run.ts --endpoint URL [--api-key K] [--model NAME] [--k 3] [--samples N] [--tasks a,b] [--max-steps N] [--max-tokens N] [--temperature T] [--no-thinking] [--thinking-budget N] [--thinking-steps every|first-and-after-failure] [--keep-earlier-thinking] [--full-rereads] [--json FILE] [--keep] [--keep-logs]\n' +
  '  --model NAME  the model every request names, as the server\'s /v1/models lists it (default $GEMMA_AGENT_MODEL, else the one model it lists)';

export type ParsedEvalArgs = { kind: 'run'; options: EvalOptions; jsonFile: string | undefined; keepLogs: boolean } | { kind: 'usage-error'; message: string };

/** The eval runner's flags (and $GEMMA_AGENT_ENDPOINT, $GEMMA_AGENT_API_KEY, $GEMMA_AGENT_MODEL, as the headless CLI reads them). */
export function parseEvalArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedEvalArgs {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        endpoint: { type: 'string' },
        'api-key': { type: 'string' },
        model: { type: 'string' },
        k: { type: 'string' },
        samples: { type: 'string' },
        tasks: { type: 'string' },
        'max-steps': { type: 'string' },
        'max-tokens': { type: 'string' },
        temperature: { type: 'string' },
        'no-thinking': { type: 'boolean', default: false },
        'thinking-budget': { type: 'string' },
        'thinking-steps': { type: 'string' },
        'keep-earlier-thinking': { type: 'boolean', default: false },
        'full-rereads': { type: 'boolean', default: false },
        json: { type: 'string' },
        keep: { type: 'boolean', default: false },
        'keep-logs': { type: 'boolean', default: false },
      },
    });
    const endpoint = values.endpoint ?? env.GEMMA_AGENT_ENDPOINT;
    if (!endpoint) throw new Error('--endpoint URL is required (or set GEMMA_AGENT_ENDPOINT).');
    const sampling: SamplingOptions = { thinking: values['no-thinking'] !== true, thinkingBudget: values['thinking-budget'] === undefined ? DEFAULT_THINKING_BUDGET : Number(values['thinking-budget']) };
    if (!Number.isInteger(sampling.thinkingBudget) || (sampling.thinkingBudget ?? 0) < 0) throw new Error(`--thinking-budget must be a whole number, 0 or more, got "${values['thinking-budget']}".`);
    const steps = values['thinking-steps'];
    if (steps !== undefined && steps !== 'every' && steps !== 'first-and-after-failure') throw new Error(`--thinking-steps must be "every" or "first-and-after-failure", got "${steps}".`);
    if (steps) sampling.thinkingSteps = steps;
    const maxTokens = positiveInt('--max-tokens', values['max-tokens']);
    if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
    if (values.temperature !== undefined) sampling.temperature = Number(values.temperature);
    const options: EvalOptions = { endpoint, k: positiveInt('--k', values.k) ?? 1, sampling, keepWorkdirs: values.keep === true, keepEarlierThinking: values['keep-earlier-thinking'] === true, fullRereads: values['full-rereads'] === true };
    const apiKey = values['api-key'] ?? env.GEMMA_AGENT_API_KEY;
    if (apiKey) options.apiKey = apiKey;
    const model = (values.model ?? env.GEMMA_AGENT_MODEL)?.trim();
    if (model) options.model = model;
    const samples = positiveInt('--samples', values.samples);
    if (samples !== undefined) options.samples = samples;
    const maxSteps = positiveInt('--max-steps', values['max-steps']);
    if (maxSteps !== undefined) options.maxSteps = maxSteps;
    if (values.tasks) options.taskNames = values.tasks.split(',').map((name) => name.trim()).filter(Boolean);
    return { kind: 'run', options, jsonFile: values.json, keepLogs: values['keep-logs'] === true };
  } catch (error) {
    return { kind: 'usage-error', message: errorMessage(error) };
  }
}
