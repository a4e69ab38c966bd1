import { strict as assert } from 'node:assert';
import { PassThrough } from 'node:stream';
import { ConsoleApprover } from '../../agent/cli/consoleApprover';

async function ask(detail: string, category: 'command' | 'edit') {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const approver = new ConsoleApprover({ interactive: true, autoApprove: false, input, output });
  const decision = approver.approve({ category, tool: category === 'command' ? 'run_command' : 'edit_file', title: 'Run it', detail, why: 'commands ask first' }, { callId: 'c1', step: 1 });
  setTimeout(() => input.write('n\n'), 20);
  return { decision: await decision, printed };
}

describe('headless approval prompt', () => {
  it('shows a command whole, with no hidden tail, and why it asks', async () => {
    const command = Array.from({ length: 60 }, (_, i) => `echo line ${i}`).join('\n') + '\nrm -rf ~/precious';
    const { decision, printed } = await ask(command, 'command');
    assert.equal(decision.approved, false);
    assert.match(printed, /rm -rf ~\/precious/);
    assert.match(printed, /asking because commands ask first/);
  });

  it('cuts a long diff and says how much is left', async () => {
    const diff = Array.from({ length: 100 }, (_, i) => `+line ${i}`).join('\n');
    const { printed } = await ask(diff, 'edit');
    assert.match(printed, /… 60 more lines of the diff/);
    assert.doesNotMatch(printed, /\+line 99/);
  });
});
