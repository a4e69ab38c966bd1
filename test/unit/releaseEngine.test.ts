import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pickReleaseAssets, type ReleaseAsset } from '../../engine/binary/releaseAssets';
import { LLAMA_CPP_RELEASE } from '../../engine/binary/releaseEngine';

const repoRoot = path.resolve(__dirname, '..', '..');
const names = [
  'llama-v0.5.0-bin-macos-arm64.zip',
  'llama-v0.5.0-bin-macos-x64.zip',
  'llama-v0.5.0-bin-ubuntu-x64.tar.gz',
  'llama-v0.5.0-bin-ubuntu-vulkan-x64.tar.gz',
  'llama-v0.5.0-bin-ubuntu-arm64.tar.gz',
  'llama-v0.5.0-bin-win-cpu-x64.zip',
  'llama-v0.5.0-bin-win-vulkan-x64.zip',
  'llama-v0.5.0-bin-win-cuda-12.4-x64.zip',
  'llama-v0.5.0-bin-win-cuda-13.1-x64.zip',
  'cudart-llama-bin-win-cuda-12.4-x64.zip',
  'llama-v0.5.0-xcframework.zip',
];
const assets: ReleaseAsset[] = names.map((name) => ({ name, url: `https://example.invalid/${name}` }));
const none = { nvidia: false, vulkan: false };

describe('llama.cpp release build: which archive', () => {
  it('is the release whose source node-llama-cpp bundles', () => {
    const info = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'llama.cpp.info.json'), 'utf8')) as { tag: string; llamaCppGithubRepo: string };
    assert.deepEqual({ repo: info.llamaCppGithubRepo, tag: info.tag }, LLAMA_CPP_RELEASE);
  });

  it('picks Metal on Apple Silicon, CUDA with its runtime for NVIDIA, Vulkan for other GPUs, else CPU', () => {
    const pick = (platform: NodeJS.Platform, arch: string, gpu = none) => {
      const c = pickReleaseAssets(assets, platform, arch, gpu);
      return c && [c.variant, c.archive.name, c.runtime?.name];
    };
    assert.deepEqual(pick('darwin', 'arm64'), ['metal', 'llama-v0.5.0-bin-macos-arm64.zip', undefined]);
    assert.deepEqual(pick('linux', 'x64'), ['cpu', 'llama-v0.5.0-bin-ubuntu-x64.tar.gz', undefined]);
    assert.deepEqual(pick('linux', 'x64', { nvidia: false, vulkan: true }), ['vulkan', 'llama-v0.5.0-bin-ubuntu-vulkan-x64.tar.gz', undefined]);
    assert.deepEqual(pick('linux', 'x64', { nvidia: true, vulkan: false }), ['vulkan', 'llama-v0.5.0-bin-ubuntu-vulkan-x64.tar.gz', undefined], 'no Linux CUDA build in this release: Vulkan runs on NVIDIA too');
    assert.deepEqual(pick('win32', 'x64', { nvidia: true, vulkan: true }), ['cuda', 'llama-v0.5.0-bin-win-cuda-12.4-x64.zip', 'cudart-llama-bin-win-cuda-12.4-x64.zip'], 'the CUDA version that has its runtime');
    assert.deepEqual(pick('win32', 'x64', { nvidia: false, vulkan: true }), ['vulkan', 'llama-v0.5.0-bin-win-vulkan-x64.zip', undefined]);
    assert.deepEqual(pick('win32', 'x64'), ['cpu', 'llama-v0.5.0-bin-win-cpu-x64.zip', undefined]);
    assert.equal(pick('linux', 'ia32'), undefined);
    assert.equal(pick('freebsd', 'x64'), undefined);
  });
});
