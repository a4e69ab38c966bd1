import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanNpmEnv } from '../../scripts/lib/cleanNpmEnv';
import { ensureCodeServer, freePort } from '../../scripts/lib/codeServer';
import { reply, startScriptedEngine, type ScriptedEngine } from '../support/scriptedEngine';
import { commandChecks, NESTED_ENV, type CheckContext } from './commandChecks';
import { runCommandLine } from './commandRunner';
import { readmeCommands } from './readmeCommands';

const repoRoot = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const commands = readmeCommands(readme);

/** Failure words of our scripts and of npm itself; a long-running command must not print them before it is stopped. */
const FAILED = /(setup failed|npm error|failed:|ERR!|\d+ failing)/;

/** `npm install` must come before anything that needs node_modules; the cold check runs last. */
function runOrder(list: string[]): string[] {
  const rank = (c: string): number => (c.startsWith('npm install') ? 0 : c === 'bash .ci/run' ? 2 : 1);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** A copy of the working tree as a fresh clone would have it: tracked and untracked-but-not-ignored files only. */
function freshCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-readme-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(repoRoot, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
    fs.chmodSync(path.join(dir, file), fs.statSync(from).mode);
  }
  return dir;
}

/** `code` and `code-server` as a user has them on PATH, here both the cached code-server. */
function codeShims(home: string): string {
  const install = ensureCodeServer();
  const bin = path.join(home, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const name of ['code', 'code-server']) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nexec "${install.node}" "${install.entry}" "$@"\n`, { mode: 0o755 });
  }
  return bin;
}

describe('README: every command it shows', function () {
  it('has a check for each command, and no check for a command it no longer shows', () => {
    assert.ok(commands.includes('npm install && npm test') && commands.includes('npm install && npm start'), 'the two commands are found');
    const unchecked = commands.filter((c) => !(c in commandChecks));
    assert.deepEqual(unchecked, [], 'README commands without a check in test/readme/commandChecks.ts');
    const stale = Object.keys(commandChecks).filter((c) => !commands.includes(c));
    assert.deepEqual(stale, [], 'checks for commands the README no longer shows');
  });

  describe('run in a fresh copy of the tree', function () {
    let ctx: CheckContext;
    let engine: ScriptedEngine;
    let home: string;
    let env: NodeJS.ProcessEnv;
    /** TMPDIR of every command, removed at the end: a stopped command may leave temp folders (the cold cache of .ci/run). */
    let scratch: string;

    before(async function () {
      // Inside its own check this tier only proves the list above; running everything again would never end.
      if (process.env[NESTED_ENV]) this.skip();
      this.timeout(600_000);
      engine = await startScriptedEngine();
      // The headless agent and every eval sample get one short final answer each.
      for (let i = 0; i < 40; i++) engine.push(reply('The folder is empty.'));
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-readme-home-'));
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-readme-tmp-'));
      const shims = codeShims(home);
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-readme-ws-'));
      ctx = { dir: freshCopy(), workspace, endpoint: engine.url, port: await freePort() };
      // As a user's shell would run them: no outer npm configuration, code/code-server on PATH.
      env = cleanNpmEnv(process.env, { PATH: `${shims}${path.delimiter}${process.env.PATH ?? ''}`, CI: 'true' });
    });

    after(async function () {
      await engine?.close();
      if (ctx) fs.rmSync(ctx.dir, { recursive: true, force: true });
      if (ctx) fs.rmSync(ctx.workspace, { recursive: true, force: true });
      if (home) fs.rmSync(home, { recursive: true, force: true });
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    for (const command of runOrder(commands)) {
      const make = commandChecks[command];
      if (!make) continue;
      it(command, async function () {
        const check = make(ctx);
        this.timeout((check.limitS + 60) * 1000);
        const line = check.run ?? command;
        const runEnv = { ...env, TMPDIR: scratch, ...('env' in check ? check.env : {}) };
        // code/code-server install into the user's default extension folder: a private HOME keeps ours clean.
        if (/--install-extension/.test(line)) Object.assign(runEnv, { HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config') });
        if (check.kind === 'completes') {
          const run = await runCommandLine(line, { cwd: ctx.dir, env: runEnv, limitS: check.limitS });
          assert.ok(!run.stopped, `"${line}" did not finish within ${check.limitS} s:\n${run.output.slice(-3000)}`);
          assert.equal(run.code, 0, `"${line}" exited with ${run.code}:\n${run.output.slice(-3000)}`);
          if (check.expect) assert.match(run.output, check.expect, `"${line}" printed:\n${run.output.slice(-3000)}`);
          if (command === 'npm run package') {
            assert.ok(fs.statSync(path.join(ctx.dir, 'gemma-agent.vsix')).size > 100_000, 'the universal VSIX was written');
            if (process.platform === 'linux' && process.arch === 'x64') assert.ok(fs.statSync(path.join(ctx.dir, 'gemma-agent-linux-x64.vsix')).size > 5_000_000, 'the linux-x64 VSIX carries the engine');
          }
        } else if (check.kind === 'serves') {
          let answered = 0;
          const run = await runCommandLine(line, {
            cwd: ctx.dir,
            env: runEnv,
            limitS: check.limitS,
            until: /Open: (\S+)/,
            stopSignal: 'SIGINT',
            onMatch: async (m) => {
              if (check.expectUrl) assert.match(m[1], check.expectUrl);
              answered = (await fetch(m[1])).status;
            },
          });
          assert.ok(run.matched, `"${line}" never printed the URL within ${check.limitS} s:\n${run.output.slice(-3000)}`);
          assert.equal(answered, 200, `the printed URL answered ${answered}:\n${run.output.slice(-3000)}`);
          assert.ok(run.code === 0 || run.signal === 'SIGINT', `Ctrl+C should stop it; it ended with ${run.code ?? run.signal}:\n${run.output.slice(-2000)}`);
          const url = run.matched?.[1] ?? '';
          const after = await fetch(url).then((r) => r.status, () => 'closed');
          assert.equal(after, 'closed', `code-server still answers at ${url} after Ctrl+C`);
        } else {
          const run = await runCommandLine(line, { cwd: ctx.dir, env: runEnv, limitS: check.limitS, until: check.until });
          const before = run.matched ? run.output.slice(0, (run.matched.index ?? 0) + run.matched[0].length) : run.output;
          assert.ok(run.matched || run.code === 0, `"${line}" neither printed ${String(check.until)} within ${check.limitS} s nor finished:\n${run.output.slice(-3000)}`);
          assert.doesNotMatch(before, FAILED, `"${line}" failed before it was stopped:\n${before.slice(-3000)}`);
        }
      });
    }
  });
});
