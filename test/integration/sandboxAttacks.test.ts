import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { FsWorkspace } from '../../agent/workspace/fsWorkspace';
import { runAgent } from '../../agent/loop';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { detectCommandSandbox, type CommandSandbox } from '../../agent/sandbox/commandSandbox';
import { createDefaultTools } from '../../agent/tools';
import type { Approver } from '../../agent/workspace/workspace';
import { EngineClient } from '../../engine/client';
import { makeSentinel, snapshot, tempDir } from '../support/files';
import { destructiveCommands } from '../support/attackCommands';
import { reply, startScriptedEngine, toolCallReply } from '../support/scriptedEngine';

/*
 * Attack families from the security review, run for real on the file system inside the OS
 * sandbox: each command is one a parser let through, approved as a user might. The sentinel
 * lives outside the workspace in /var/tmp (not /tmp, which the sandbox replaces anyway), and
 * a fake home holds "secrets"; afterwards both must be exactly as they were.
 */
describe('command sandbox: attacks from a model with approved commands', function () {
  this.timeout(120_000);
  let sandbox: CommandSandbox | undefined;
  let base: string;
  let workspace: string;
  let sentinel: string;
  let sentinelIntact: () => boolean;
  let home: string;

  before(async function () {
    sandbox = await detectCommandSandbox({ platform: process.platform });
    if (!sandbox) {
      // CI installs bubblewrap (npm test's set-up), so there this never skips.
      if (process.platform === 'linux' && process.env.CI) assert.fail('bubblewrap is missing or cannot run: the sandbox must be tested for real on Linux CI');
      this.skip();
    }
  });

  beforeEach(() => {
    base = tempDir('gemma-sandbox-', '/var/tmp');
    workspace = path.join(base, 'workspace');
    sentinel = path.join(base, 'sentinel');
    home = path.join(base, 'home');
    fs.mkdirSync(path.join(workspace, '.git', 'hooks'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.git', 'config'), '[core]\n');
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'mine\n');
    sentinelIntact = makeSentinel(sentinel, { 'keep.txt': 'do not touch\n' }).intact;
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
    fs.writeFileSync(path.join(home, '.netrc'), 'machine example password hunter2\n');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  async function runInside(command: string, options: { network?: boolean } = {}) {
    const box = await detectCommandSandbox({ home, network: options.network === true });
    assert.ok(box);
    return new FsWorkspace(workspace).runCommand(box.wrap(command, workspace), { timeoutMs: 30_000, maxOutputBytes: 64_000 });
  }

  it('keeps every destructive command away from a folder outside the workspace', async () => {
    const attacks = [
      ...destructiveCommands(sentinel, workspace),
      `echo x > ${sentinel}/new.txt`,
      `git -C ${workspace} diff --no-index --output=${sentinel}/keep.txt /dev/null ${workspace}/notes.txt`,
    ];
    let escaped = 0;
    for (const attack of attacks) {
      await runInside(attack);
      if (!sentinelIntact()) {
        escaped++;
        assert.fail(`escaped: ${attack}`);
      }
    }
    console.log(`      attack cases: ${attacks.length} run, ${escaped} escaped`);
  });

  it('lets the command work in the workspace but not change the files that make git run code', async () => {
    const result = await runInside('echo new > made.txt && echo hook > .git/hooks/pre-commit; echo "[core] fsmonitor = evil" >> .git/config; cat made.txt');
    assert.match(result.output, /new/);
    assert.equal(fs.readFileSync(path.join(workspace, 'made.txt'), 'utf8'), 'new\n', 'writes inside the workspace land');
    assert.equal(fs.existsSync(path.join(workspace, '.git', 'hooks', 'pre-commit')), false);
    assert.equal(fs.readFileSync(path.join(workspace, '.git', 'config'), 'utf8'), '[core]\n');
  });

  it('does not let the command move .git away and make a new one with a hook and a config of its own', async () => {
    for (const attack of [
      'mv .git .git-old; mkdir -p .git/hooks; echo hook > .git/hooks/pre-commit; echo "[core] fsmonitor = evil" > .git/config',
      'rm -rf .git; mkdir -p .git/hooks; echo hook > .git/hooks/pre-commit; echo "[core] fsmonitor = evil" > .git/config',
    ]) {
      await runInside(attack);
      assert.equal(fs.existsSync(path.join(workspace, '.git', 'hooks', 'pre-commit')), false, attack);
      assert.equal(fs.readFileSync(path.join(workspace, '.git', 'config'), 'utf8'), '[core]\n', attack);
    }
    // A worktree's or submodule's .git is a file naming the real git folder: pointing it at one of the command's own is the same attack.
    fs.rmSync(path.join(workspace, '.git'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.git'), 'gitdir: /nonexistent/worktrees/x\n');
    await runInside('mkdir -p evil/hooks && echo hook > evil/hooks/pre-commit; echo "gitdir: evil" > .git; mv .git .git-old; echo "gitdir: evil" > .git');
    assert.equal(fs.readFileSync(path.join(workspace, '.git'), 'utf8'), 'gitdir: /nonexistent/worktrees/x\n');
  });

  it('keeps the git folders of submodules and linked worktrees inside .git as read-only as the main one', async () => {
    const sub = path.join(workspace, '.git', 'modules', 'lib', 'modules', 'deep');
    const tree = path.join(workspace, '.git', 'worktrees', 'side');
    for (const gitDir of [path.join(workspace, '.git', 'modules', 'lib'), sub]) {
      fs.mkdirSync(path.join(gitDir, 'hooks'), { recursive: true });
      fs.writeFileSync(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
      fs.writeFileSync(path.join(gitDir, 'config'), '[core]\n');
    }
    fs.mkdirSync(tree, { recursive: true });
    fs.writeFileSync(path.join(tree, 'HEAD'), 'ref: refs/heads/side\n');
    fs.writeFileSync(path.join(tree, 'commondir'), '../..\n');
    const before = snapshot(path.join(workspace, '.git'));
    await runInside(
      [
        'echo hook > .git/modules/lib/hooks/pre-commit',
        'echo "[core] fsmonitor = evil" >> .git/modules/lib/config',
        'echo hook > .git/modules/lib/modules/deep/hooks/post-checkout',
        'echo "[core] fsmonitor = evil" > .git/modules/lib/modules/deep/config',
        'echo /elsewhere > .git/worktrees/side/commondir',
        'mv .git/modules/lib .git/modules/lib-old && mkdir -p .git/modules/lib/hooks && echo hook > .git/modules/lib/hooks/pre-commit',
      ].join('; '),
    );
    assert.deepEqual(snapshot(path.join(workspace, '.git')), before);
  });

  it('removes what a command made where VS Code or git would run code from, and keeps the rest of its work', async () => {
    fs.rmSync(path.join(workspace, '.git', 'hooks'), { recursive: true });
    const marker = path.join(sentinel, 'ran');
    const runCommand = createDefaultTools().find((t) => t.definition.function.name === 'run_command')!;
    const command = [
      `mkdir -p .vscode .husky .git/hooks`,
      `echo '{"tasks":[{"label":"x","command":"touch ${marker}","runOptions":{"runOn":"folderOpen"}}]}' > .vscode/tasks.json`,
      `printf '#!/bin/sh\\ntouch ${marker}\\n' > .husky/pre-commit`,
      `printf '#!/bin/sh\\ntouch ${marker}\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
      `mkdir fresh && git -C fresh init -q`,
      `echo kept > made.txt && echo planted`,
    ].join(' && ');
    const validated = runCommand.validate({ command });
    assert.ok(validated.ok);
    const result = await runCommand.run(validated.args, { workspace: new FsWorkspace(workspace), sandbox: (await detectCommandSandbox({ home }))! });
    assert.match(result.content, /planted/);
    for (const made of ['.vscode', '.husky', '.git/hooks']) {
      assert.equal(fs.existsSync(path.join(workspace, made)), false, `${made} was left`);
      assert.match(result.content, new RegExp(`Removed .*${made.replace('.', '\\.')}`), `the model is told about ${made}`);
    }
    assert.equal(fs.readFileSync(path.join(workspace, 'made.txt'), 'utf8'), 'kept\n');
    assert.ok(fs.existsSync(path.join(workspace, 'fresh', '.git', 'HEAD')), 'a repository the command made from nothing stays (git init must work)');
    assert.ok(sentinelIntact());
  });

  it('hides the secrets in the home folder', async () => {
    const result = await runInside(`cat ${home}/.ssh/id_ed25519 ${home}/.netrc; ls -a ${home}/.ssh`);
    assert.doesNotMatch(result.output, /PRIVATE KEY|hunter2/);
  });

  it('leaves nothing running after the command ends', async () => {
    const marker = `gemma-outlives-${process.pid}-${Date.now()}`;
    await runInside(`setsid sh -c 'exec -a ${marker} sleep 60' > /dev/null 2>&1 & sleep 0.2; echo started`);
    await new Promise((r) => setTimeout(r, 500));
    const survivors = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })());
    assert.deepEqual(survivors, [], 'the background process ended with the command');
  });

  it('has no network unless allowed', async () => {
    const server = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const probe = `node -e "require('http').get('http://127.0.0.1:${port}/', r => r.on('data', d => console.log(String(d)))).on('error', e => console.log('blocked ' + e.code))"`;
      assert.match((await runInside(probe)).output, /blocked/);
      assert.match((await runInside(probe, { network: true })).output, /reached/);
    } finally {
      server.close();
    }
  });

  it('runs the agent\'s run_command inside it, even with everything auto-approved', async () => {
    const engine = await startScriptedEngine({ steps: [toolCallReply({ name: 'run_command', arguments: { command: `rm -rf ${sentinel}; echo done` } }), reply('Done.')] });
    try {
      const yes: Approver = { approve: async () => ({ approved: true }) };
      const result = await runAgent({
        client: new EngineClient({ baseUrl: engine.url }),
        workspace: new FsWorkspace(workspace),
        tools: createDefaultTools(),
        approver: yes,
        approval: { ...DEFAULT_APPROVAL_SETTINGS, edits: 'auto', commands: 'auto', deny: [], allow: [], sandbox: 'os' },
        sandbox: (await detectCommandSandbox({ home }))!,
        request: 'clean up',
      });
      assert.equal(result.reason, 'answered');
      assert.ok(sentinelIntact(), 'the approved rm -rf ran in the sandbox');
    } finally {
      await engine.close();
    }
  });
});
