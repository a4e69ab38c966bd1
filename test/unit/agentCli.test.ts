import { strict as assert } from 'node:assert';
import { parseCli } from '../../agent/cli/cliArgs';
import { headlessApprovalSettings } from '../../agent/cli/headlessRun';
import { DEFAULT_APPROVAL_SETTINGS } from '../../agent/policy/approvalSettings';

describe('agent headless runner (gemma-agent run)', () => {
  it('parses its arguments and reports usage errors', () => {
    const ok = parseCli(['run', '-w', '/tmp/x', '--auto-approve', '--max-steps', '5', '--no-thinking', 'fix', 'it'], {});
    assert.ok(ok.kind === 'run');
    assert.equal(ok.options.request, 'fix it');
    assert.equal(ok.options.maxSteps, 5);
    assert.equal(ok.options.approvals, 'auto');
    assert.equal(ok.options.thinking, false);
    assert.equal(ok.options.endpoint, 'http://127.0.0.1:8080');
    const fromEnv = parseCli(['run', '-w', 'x', 't'], { GEMMA_AGENT_ENDPOINT: 'http://h:1', GEMMA_AGENT_API_KEY: 'k' });
    assert.ok(fromEnv.kind === 'run' && fromEnv.options.endpoint === 'http://h:1' && fromEnv.options.apiKey === 'k');
    assert.equal(parseCli(['run', 'task'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '-w', 'x'], {}).kind, 'usage-error');
    assert.equal(parseCli(['walk', '-w', 'x', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '-w', 'x', '--max-steps', 'lots', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['run', '--frobnicate', 't'], {}).kind, 'usage-error');
    assert.equal(parseCli(['--help'], {}).kind, 'help');
  });

  it('takes --approvals default|auto|none, default being the extension\'s default settings', () => {
    const mode = (args: string[]) => {
      const parsed = parseCli(['run', '-w', '/tmp/x', ...args, 'task'], {});
      return parsed.kind === 'run' ? parsed.options.approvals : parsed.kind;
    };
    assert.equal(mode([]), 'default');
    assert.equal(mode(['--approvals', 'none']), 'none');
    assert.equal(mode(['--auto-approve']), 'auto');
    assert.equal(mode(['--approvals', 'sometimes']), 'usage-error');
    assert.equal(mode(['--approvals', 'none', '--auto-approve']), 'usage-error');
    assert.deepEqual(headlessApprovalSettings('default'), { ...DEFAULT_APPROVAL_SETTINGS, restricted: false });
    assert.deepEqual([headlessApprovalSettings('none').allow, headlessApprovalSettings('none').commands], [[], 'ask']);
    assert.deepEqual([headlessApprovalSettings('auto').edits, headlessApprovalSettings('auto').commands], ['auto', 'auto']);
  });
});
