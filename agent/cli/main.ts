#!/usr/bin/env node
/**
 * Entry point of the headless runner: `gemma-agent run --workspace DIR "task"`.
 * Bundled as dist/cli.js; in development: `npx tsx agent/cli/main.ts run ...`.
 */
import { runCli } from './cliApp';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // First Ctrl+C stops the run cleanly (the conversation ends as 'stopped'); a second one exits.
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nStopping… (Ctrl+C again to quit at once)\n');
  controller.abort();
});

runCli(process.argv.slice(2), {
  stdout: { write: (text) => void process.stdout.write(text) },
  stderr: { write: (text) => void process.stderr.write(text) },
  stdinIsTty: process.stdin.isTTY === true,
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gemma-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
