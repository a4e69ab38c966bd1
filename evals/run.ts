/**
 * Measures the agent on the tasks in evals/tasks:
 *   npx tsx evals/run.ts --endpoint URL [--api-key K] [--model NAME] [--k 3] [--samples N] [--tasks a,b]
 *     [--max-steps N] [--max-tokens N] [--temperature T] [--no-thinking] [--thinking-budget N] [--thinking-steps every|first-and-after-failure] [--keep-earlier-thinking] [--full-rereads] [--json FILE]
 *     [--keep] [--keep-logs]
 * Prints one line per sample on stderr, then a table and the JSON report on stdout.
 */
import { promises as fsp } from 'node:fs';
import { cliErrorText } from '../agent/cli/cliErrorText';
import { parseEvalArgs, USAGE } from './evalArgs';
import { runEvals } from './evalHarness';
import { formatReportTable, reportJson } from './evalReport';

async function main(argv: string[]): Promise<number> {
  const parsed = parseEvalArgs(argv);
  if (parsed.kind === 'usage-error') {
    process.stderr.write(`${parsed.message}\n${USAGE}\n`);
    return 2;
  }
  const { options, jsonFile, keepLogs } = parsed;

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
    process.stderr.write(`evals: ${cliErrorText(error)}\n`);
    process.exitCode = 1;
  },
);
