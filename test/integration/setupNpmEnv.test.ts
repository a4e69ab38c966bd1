import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/files';
import { outerNpm } from '../support/outerNpm';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('set-up: nested npm runs', () => {
  it('code-server install gets no npm_config_* from the outer npm, only its own nodedir', function () {
    this.timeout(20_000);
    // A fake npm that records the environment it was started with, then fails so the script stops.
    const bin = tempDir('gemma-fake-npm-');
    const record = path.join(bin, 'env.txt');
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nenv > "${record}"\nexit 3\n`, { mode: 0o755 });
    const cache = tempDir('gemma-cold-cache-');
    try {
      execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-code-server.sh')], {
        env: { ...process.env, ...outerNpm, PATH: `${bin}:${process.env.PATH ?? ''}`, GEMMA_AGENT_CACHE: cache },
        stdio: 'pipe',
      });
      assert.fail('the fake npm fails, so the script must fail');
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
      if (/libkrb5-dev/.test(stderr)) this.skip(); // the script stops earlier on a machine without the headers
      const seen = fs.readFileSync(record, 'utf8');
      assert.doesNotMatch(seen, /^npm_config_(user_agent|prefix|local_prefix|node_gyp|loglevel)=/m);
      assert.doesNotMatch(seen, /^(npm_lifecycle_event|npm_package_json|INIT_CWD)=/m);
      assert.doesNotMatch(seen, /^npm_config_nodedir=\/usr$/m);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
