import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanNpmEnv } from '../../scripts/lib/cleanNpmEnv';
import { llamaBundlePath } from '../../engine/binary/llamaSource';
import { readmeCommands } from '../readme/readmeCommands';

const repoRoot = path.resolve(__dirname, '..', '..');

/** What an outer `npm start` on Node 20 exports to everything it runs. */
const outerNpm = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_prefix: '/usr',
  npm_config_local_prefix: '/work/main',
  npm_config_nodedir: '/usr',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_loglevel: 'silent',
  npm_lifecycle_event: 'start',
  npm_package_json: '/work/main/package.json',
  INIT_CWD: '/work/main',
};

describe('set-up: nested npm runs', () => {
  it('drop the outer npm configuration and keep everything else', () => {
    const env = cleanNpmEnv({ ...outerNpm, PATH: '/bin', HOME: '/root', GEMMA_AGENT_CACHE: '/c' }, { npm_config_nodedir: '/node24' });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/root', GEMMA_AGENT_CACHE: '/c', npm_config_nodedir: '/node24' });
  });

  it('code-server install gets no npm_config_* from the outer npm, only its own nodedir', function () {
    this.timeout(20_000);
    // A fake npm that records the environment it was started with, then fails so the script stops.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-fake-npm-'));
    const record = path.join(bin, 'env.txt');
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nenv > "${record}"\nexit 3\n`, { mode: 0o755 });
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-cold-cache-'));
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

describe('set-up: the llama.cpp source bundle', () => {
  it('is found in node-llama-cpp although its exports map hides package.json', () => {
    const bundle = llamaBundlePath();
    assert.ok(bundle, 'found from the project');
    assert.equal(bundle, path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle'));
    assert.ok(fs.statSync(bundle).size > 1_000_000);
  });

  it('is absent, not an exception, where node-llama-cpp is not installed (an installed VSIX)', () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'gemma-vsix-'));
    try {
      const found = llamaBundlePath(elsewhere);
      // Node's global lookup folders may still hold it on a developer machine; never a throw.
      assert.ok(found === undefined || found.endsWith('gitRelease.bundle'));
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('README command list', () => {
  it('takes sh blocks line by line without comments, and command spans from prose', () => {
    const md = ['Run `npm start` or `npm test`; set `GEMMA_AGENT_CACHE`.', '```sh', '# a note', 'npm run package   # writes it', 'npm start', '```', '```json', 'npm not-a-command', '```', '| `npm run build` | Bundles `dist/` |'].join('\n');
    assert.deepEqual(readmeCommands(md), ['npm run package', 'npm start', 'npm test', 'npm run build']);
  });
});
