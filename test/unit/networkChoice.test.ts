import { strict as assert } from 'node:assert';
import { bubblewrapSandbox, type CommandSandbox } from '../../agent/sandbox/commandSandbox';
import { createDefaultTools, findTool } from '../../agent/tools';
import type { ToolContext } from '../../agent/tool';
import type { CommandOptions, CommandResult, Workspace } from '../../agent/workspace/workspace';
import { NetworkChoice, readNetworkSetting, type NetworkAnswer, type NetworkSetting } from '../../extension/chat/core/networkChoice';

describe('network for sandboxed commands: asked once', () => {
  function choice(initial: NetworkSetting, answers: NetworkAnswer[]) {
    let setting = initial;
    const asked: number[] = [];
    const saved: string[] = [];
    const c = new NetworkChoice(
      () => setting,
      async () => {
        asked.push(1);
        return answers.shift();
      },
      async (value) => {
        saved.push(value);
        setting = value;
      },
    );
    return { c, asked, saved };
  }

  it('reads the setting, including the old boolean form', () => {
    assert.equal(readNetworkSetting(undefined), 'ask');
    assert.equal(readNetworkSetting('ask'), 'ask');
    assert.equal(readNetworkSetting(true), 'on');
    assert.equal(readNetworkSetting('on'), 'on');
    assert.equal(readNetworkSetting(false), 'off');
    assert.equal(readNetworkSetting('nonsense'), 'ask');
  });

  it('does not ask when the user already chose', async () => {
    const on = choice('on', []);
    assert.equal(await on.c.allowed(), true);
    const off = choice('off', []);
    assert.equal(await off.c.allowed(), false);
    assert.equal(on.asked.length + off.asked.length, 0);
  });

  it('asks before the first command only, and saves the answer in user settings', async () => {
    const t = choice('ask', ['allow']);
    const answers = await Promise.all([t.c.allowed(), t.c.allowed()]);
    assert.deepEqual(answers, [true, true]);
    assert.equal(await t.c.allowed(), true);
    assert.equal(t.asked.length, 1, 'two commands at once still make one question');
    assert.deepEqual(t.saved, ['on']);
  });

  it('keeps the network off when the user says so, or closes the question without choosing', async () => {
    const offline = choice('ask', ['keep-offline']);
    assert.equal(await offline.c.allowed(), false);
    assert.deepEqual(offline.saved, ['off']);
    const closed = choice('ask', [undefined]);
    assert.equal(await closed.c.allowed(), false);
    assert.equal(await closed.c.allowed(), false);
    assert.equal(closed.asked.length, 1, 'a closed question is not asked again before every command');
    assert.deepEqual(closed.saved, [], 'nothing is saved for a closed question');
  });
});

describe('run_command asks the network choice and passes it to the sandbox', () => {
  class RecordingWorkspace implements Partial<Workspace> {
    readonly root = '/work/project';
    lines: string[] = [];
    async runCommand(line: string, _options: CommandOptions): Promise<CommandResult> {
      this.lines.push(line);
      return { exitCode: 0, output: 'ok', timedOut: false, truncated: false, via: 'process' };
    }
  }

  async function run(network: boolean | undefined): Promise<string> {
    const workspace = new RecordingWorkspace();
    const sandbox: CommandSandbox = bubblewrapSandbox('/usr/bin/bwrap', { network: false });
    const context: ToolContext = { workspace: workspace as unknown as Workspace, sandbox };
    if (network !== undefined) context.commandNetwork = async () => network;
    const tool = findTool(createDefaultTools(), 'run_command')!;
    const out = await tool.run({ command: 'npm install' }, context);
    assert.equal(out.isError, false);
    return workspace.lines[0]!;
  }

  it('cuts the network unless the choice allows it', async () => {
    assert.match(await run(undefined), /--unshare-net/);
    assert.match(await run(false), /--unshare-net/);
    assert.doesNotMatch(await run(true), /--unshare-net/);
  });
});
