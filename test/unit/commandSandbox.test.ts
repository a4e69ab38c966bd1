import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decideCommand } from '../../agent/policy/approvalPolicy';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';
import { bubblewrapArgs, gitFolders, missingCodeRunningPaths, removeCreated, seatbeltProfile } from '../../agent/sandbox/commandSandbox';
import { tempDir } from '../support/files';

// The sandbox's policy and the arguments it builds. The attacks run for real inside it in
// test/integration/sandboxAttacks.test.ts.
describe('command sandbox: policy and profiles', () => {
  it('never auto-approves a command where no sandbox exists, and says how to get one', () => {
    const decision = decideCommand('npm test', { ...DEFAULT_APPROVAL_SETTINGS, commands: 'auto', sandbox: 'none' });
    assert.equal(decision.action, 'ask');
    if (decision.action === 'ask') {
      assert.match(decision.why, /unsandboxed/);
      assert.equal(decision.neverAuto, true);
    }
    assert.equal(decideCommand('npm test', { ...DEFAULT_APPROVAL_SETTINGS, sandbox: 'os' }).action, 'auto');
  });

  it('builds bubblewrap arguments with a private /tmp, no network, its own PID namespace and read-only git files', () => {
    const root = tempDir('gemma-args-');
    try {
      fs.mkdirSync(path.join(root, '.git', 'hooks'), { recursive: true });
      const args = bubblewrapArgs('npm test', root, { home: '/nonexistent-home' });
      const text = args.join(' ');
      assert.ok(text.startsWith('--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp'));
      assert.ok(text.includes(`--bind ${root} ${root}`));
      assert.ok(text.includes(`--ro-bind ${root}/.git/hooks ${root}/.git/hooks`));
      for (const flag of ['--unshare-pid', '--unshare-net', '--die-with-parent', '--new-session']) assert.ok(args.includes(flag), flag);
      assert.deepEqual(args.slice(-4), ['--', '/bin/sh', '-c', 'npm test']);
      assert.ok(!bubblewrapArgs('x', root, { network: true }).includes('--unshare-net'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('mounts .git on itself (a .git file read-only) so it cannot be moved away with its read-only hooks, and never follows a .git symlink', () => {
    const root = tempDir('gemma-args-');
    try {
      fs.mkdirSync(path.join(root, 'repo', '.git', 'hooks'), { recursive: true });
      fs.mkdirSync(path.join(root, 'worktree'));
      fs.writeFileSync(path.join(root, 'worktree', '.git'), 'gitdir: /elsewhere\n');
      fs.mkdirSync(path.join(root, 'linked'));
      fs.symlinkSync('/nonexistent-elsewhere', path.join(root, 'linked', '.git'));
      const text = bubblewrapArgs('x', ['repo', 'worktree', 'linked'].map((f) => path.join(root, f)), { home: '/nonexistent-home' }).join(' ');
      const git = path.join(root, 'repo', '.git');
      assert.ok(text.includes(`--bind ${git} ${git}`));
      assert.ok(text.indexOf(`--bind ${git} ${git}`) < text.indexOf(`--ro-bind ${git}/hooks`), 'the hooks are read-only on top of it');
      assert.ok(text.includes(`--ro-bind ${root}/worktree/.git ${root}/worktree/.git`));
      assert.ok(!text.includes(`${root}/linked/.git`));
      assert.match(seatbeltProfile(path.join(root, 'repo'), { home: '/h' }), new RegExp(`\\(literal "${git.replace(/[.]/g, '\\.')}"\\)`));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds the git folders of submodules (nested ones too) and worktrees inside .git, and removes only what a command made where code would run from', () => {
    const root = tempDir('gemma-gitdirs-');
    try {
      const git = path.join(root, '.git');
      for (const dir of ['', 'modules/lib', 'modules/group/name', 'modules/lib/modules/deep', 'worktrees/side']) {
        fs.mkdirSync(path.join(git, dir), { recursive: true });
        fs.writeFileSync(path.join(git, dir, 'HEAD'), 'ref: refs/heads/main\n');
      }
      fs.writeFileSync(path.join(git, 'worktrees', 'side', 'commondir'), '../..\n');
      assert.deepEqual(gitFolders(root).map((dir) => path.relative(root, dir)).sort(), ['.git', '.git/modules/group/name', '.git/modules/lib', '.git/modules/lib/modules/deep', '.git/worktrees/side']);
      fs.mkdirSync(path.join(git, 'hooks'));
      fs.writeFileSync(path.join(git, 'config'), '[core]\n');
      const missing = missingCodeRunningPaths(root);
      fs.writeFileSync(path.join(git, 'commondir'), '/elsewhere\n');
      fs.writeFileSync(path.join(git, 'modules', 'lib', 'commondir'), '/elsewhere\n');
      fs.mkdirSync(path.join(git, 'modules', 'lib', 'hooks'));
      fs.writeFileSync(path.join(git, 'modules', 'lib', 'hooks', 'pre-commit'), '#!/bin/sh\n');
      fs.mkdirSync(path.join(root, '.vscode'));
      fs.writeFileSync(path.join(root, '.vscode', 'tasks.json'), '{"tasks":[{"runOptions":{"runOn":"folderOpen"}}]}');
      fs.writeFileSync(path.join(root, 'made.txt'), 'an ordinary file stays\n');
      assert.deepEqual(removeCreated(missing).map((file) => path.relative(root, file)).sort(), ['.git/commondir', '.git/modules/lib/commondir', '.git/modules/lib/hooks', '.vscode']);
      assert.equal(fs.existsSync(path.join(root, '.vscode')), false);
      assert.ok(fs.existsSync(path.join(root, 'made.txt')));
      assert.ok(fs.existsSync(path.join(git, 'hooks')) && fs.existsSync(path.join(git, 'config')), 'what was there before stays');
      assert.ok(fs.existsSync(path.join(git, 'worktrees', 'side', 'commondir')), 'the worktree\'s own commondir stays');
      const linked = tempDir('gemma-gitdirs-linked-');
      fs.symlinkSync(git, path.join(linked, '.git'));
      assert.deepEqual(gitFolders(linked), [], 'a .git symlink is not followed');
      fs.rmSync(linked, { recursive: true, force: true });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes a sandbox-exec profile that limits writes to the workspace and temp, hides secrets and blocks the network', () => {
    const profile = seatbeltProfile('/Users/me/project', { home: '/Users/me' });
    assert.match(profile, /\(deny file-write\* \(require-not \(require-any \(subpath "\/Users\/me\/project"\)/);
    assert.match(profile, /\(deny file-write\* \(subpath "\/Users\/me\/project\/\.git\/hooks"\)/);
    assert.match(profile, /\(deny file-read\* .*\(subpath "\/Users\/me\/\.ssh"\)/);
    assert.match(profile, /\(deny network\*/);
    assert.doesNotMatch(seatbeltProfile('/p', { home: '/h', network: true }), /deny network/);
  });
});
