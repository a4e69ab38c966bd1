import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanNpmEnv } from '../../scripts/lib/cleanNpmEnv';
import { llamaBundlePath } from '../../engine/binary/llamaSource';
import { readmeCommands } from '../readme/readmeCommands';
import { outerNpm } from '../support/outerNpm';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('set-up: nested npm runs', () => {
  it('drop the outer npm configuration and keep everything else', () => {
    const env = cleanNpmEnv({ ...outerNpm, PATH: '/bin', HOME: '/root', GEMMA_AGENT_CACHE: '/c' }, { npm_config_nodedir: '/node24' });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/root', GEMMA_AGENT_CACHE: '/c', npm_config_nodedir: '/node24' });
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
