import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { runInChildProcess } from '../../extension/workspace/core/terminalRunner';

describe('terminal: child-process fallback', function () {
  this.timeout(10_000);
  const cwd = os.tmpdir();

  it('returns exit code and output, and echoes everything it prints', async () => {
    const echoed: string[] = [];
    const result = await runInChildProcess('echo out; echo err >&2; exit 3', { cwd, timeoutMs: 5000, maxOutputBytes: 10_000 }, (t) => echoed.push(t));
    assert.equal(result.exitCode, 3);
    assert.equal(result.via, 'process');
    assert.match(result.output, /out\n/);
    assert.match(result.output, /err\n/);
    assert.equal(echoed.join(''), result.output);
  });

  it('runs without colours or pagers', async () => {
    const result = await runInChildProcess('echo "$NO_COLOR $PAGER $GIT_TERMINAL_PROMPT"', { cwd, timeoutMs: 5000, maxOutputBytes: 1000 }, () => undefined);
    assert.equal(result.output, '1 cat 0\n');
  });

  it('stops the command at the timeout', async () => {
    const started = Date.now();
    const result = await runInChildProcess('echo start; sleep 30', { cwd, timeoutMs: 500, maxOutputBytes: 1000, killGraceMs: 200 }, () => undefined);
    assert.ok(result.timedOut);
    assert.equal(result.exitCode, null);
    assert.ok(Date.now() - started < 5000);
  });

  it('rejects when aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(runInChildProcess('sleep 30', { cwd, timeoutMs: 5000, maxOutputBytes: 1000, signal: abort.signal }, () => undefined));
  });
});
