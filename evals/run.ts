/**
 * Measures the agent on the tasks in evals/tasks:
 *   npx tsx evals/run.ts --endpoint URL [--api-key K] [--k 3] [--samples N] [--tasks a,b]
 *     [--max-steps N] [--max-tokens N] [--temperature T] [--no-thinking] [--thinking-budget N] [--thinking-steps every|first-and-after-failure] [--keep-earlier-thinking] [--json FILE]
 *     [--keep] [--keep-logs]
 * Prints one line per sample on stderr, then a table and the JSON report on stdout.
 */
import { promises as fsp } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_THINKING_BUDGET, type SamplingOptions } from '../agent/loop';
import { runEvals, type EvalOptions } from './evalHarness';
import { formatReportTable, reportJson } from './evalReport';
import { errorMessage } from '../engine/errors';

const USAGE = 'Usage: npx tsx evals/run.ts --endpoint URL [--api-key K] [--k 3] [--samples N] [--tasks a,b] [--max-steps N] [--max-tokens N] [--temperature T] [--no-thinking] [--thinking-budget N] [--thinking-steps every|first-and-after-failure] [--keep-earlier-thinking] [--json FILE] [--keep] [--keep-logs]';

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${value}".`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let options: EvalOptions;
  let jsonFile: string | undefined;
  let keepLogs: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        endpoint: { type: 'string' },
        'api-key': { type: 'string' },
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
        json: { type: 'string' },
        keep: { type: 'boolean', default: false },
        'keep-logs': { type: 'boolean', default: false },
      },
    });
    const endpoint = values.endpoint ?? process.env.GEMMA_AGENT_ENDPOINT;
    if (!endpoint) throw new Error('--endpoint URL is required (or set GEMMA_AGENT_ENDPOINT).');
    const sampling: SamplingOptions = { thinking: values['no-thinking'] !== true, thinkingBudget: values['thinking-budget'] === undefined ? DEFAULT_THINKING_BUDGET : Number(values['thinking-budget']) };
    if (!Number.isInteger(sampling.thinkingBudget) || (sampling.thinkingBudget ?? 0) < 0) throw new Error(`--thinking-budget must be a whole number, 0 or more, got "${values['thinking-budget']}".`);
    const steps = values['thinking-steps'];
    if (steps !== undefined && steps !== 'every' && steps !== 'first-and-after-failure') throw new Error(`--thinking-steps must be "every" or "first-and-after-failure", got "${steps}".`);
    if (steps) sampling.thinkingSteps = steps;
    const maxTokens = whole('--max-tokens', values['max-tokens']);
    if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
    if (values.temperature !== undefined) sampling.temperature = Number(values.temperature);
    options = { endpoint, k: whole('--k', values.k) ?? 1, sampling, keepWorkdirs: values.keep === true, keepEarlierThinking: values['keep-earlier-thinking'] === true };
    const apiKey = values['api-key'] ?? process.env.GEMMA_AGENT_API_KEY;
    if (apiKey) options.apiKey = apiKey;
    const samples = whole('--samples', values.samples);
    if (samples !== undefined) options.samples = samples;
    const maxSteps = whole('--max-steps', values['max-steps']);
    if (maxSteps !== undefined) options.maxSteps = maxSteps;
    if (values.tasks) options.taskNames = values.tasks.split(',').map((name) => name.trim()).filter(Boolean);
    jsonFile = values.json;
    keepLogs = values['keep-logs'] === true;
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }

  options.onSample = (sample) => {
    const where = sample.workdir ? ` (${sample.workdir})` : '';
    process.stderr.write(
      `${sample.task} #${sample.sample}: ${sample.passed ? 'PASS' : 'fail'} — ${sample.reason} in ${sample.steps} step${sample.steps === 1 ? '' : 's'}, ${sample.seconds.toFixed(1)} s${sample.error ? `; ${sample.error}` : ''}${where}\n`,
    );
  };
  const report = await runEvals(options);
  const json = reportJson(report, keepLogs);
  process.stdout.write(`${formatReportTable(report)}\n\n${json}\n`);
  if (jsonFile) await fsp.writeFile(jsonFile, `${json}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`evals: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
