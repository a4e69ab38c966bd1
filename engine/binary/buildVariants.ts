import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';

/** How llama-server is compiled. `native` is fastest here; `portable` runs on any x86-64/arm64 CPU. */
export type BuildVariant = 'cpu-native' | 'cpu-portable' | 'cuda' | 'metal' | 'vulkan';

const base = ['-DCMAKE_BUILD_TYPE=Release'];
const serverOnly = ['-DGGML_CCACHE=OFF', '-DLLAMA_BUILD_TESTS=OFF', '-DLLAMA_BUILD_EXAMPLES=OFF', '-DLLAMA_BUILD_SERVER=ON', '-DLLAMA_CURL=OFF', '-DLLAMA_OPENSSL=OFF'];

const relocatable =
  process.platform === 'darwin'
    ? ['-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON', '-DCMAKE_INSTALL_RPATH=@loader_path']
    : process.platform === 'win32'
      ? []
      : ['-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON', '-DCMAKE_INSTALL_RPATH=$ORIGIN', '-DCMAKE_EXE_LINKER_FLAGS=-static-libstdc++ -static-libgcc', '-DCMAKE_SHARED_LINKER_FLAGS=-static-libstdc++ -static-libgcc'];

/** CMake flags per variant. The order is part of the cache key, so change it only with intent. */
export function cmakeFlags(variant: BuildVariant): string[] {
  switch (variant) {
    case 'cpu-native':
      return [...base, '-DGGML_NATIVE=ON', ...serverOnly];
    case 'cpu-portable':
      // One binary for any CPU: the CPU backend is built per instruction set and picked at run
      // time. It ships inside a VSIX, so it finds its libraries beside itself ($ORIGIN, not the
      // build folder) and carries the C++ runtime instead of needing the builder's libstdc++.
      return [...base, '-DGGML_NATIVE=OFF', '-DGGML_BACKEND_DL=ON', '-DGGML_CPU_ALL_VARIANTS=ON', ...serverOnly, ...relocatable];
    case 'cuda':
      return [...base, '-DGGML_NATIVE=ON', '-DGGML_CUDA=ON', ...serverOnly];
    case 'metal':
      return [...base, '-DGGML_METAL=ON', ...serverOnly];
    case 'vulkan':
      return [...base, '-DGGML_NATIVE=ON', '-DGGML_VULKAN=ON', ...serverOnly];
  }
}

/** Cache key of a build: the variant plus a hash of its exact flags. */
export function buildKey(variant: BuildVariant): string {
  const hash = createHash('sha256').update(cmakeFlags(variant).join('\n')).digest('hex').slice(0, 8);
  return `${variant}-${hash}`;
}

function onPath(command: string): boolean {
  try {
    execFileSync(process.platform === 'win32' ? 'where' : 'which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Toolchains {
  cuda: boolean;
  metal: boolean;
  vulkan: boolean;
}

/**
 * A GPU toolchain counts only with a device to run on: building CUDA on a machine that has
 * nvcc but no NVIDIA driver costs half an hour and gives a binary that cannot use the GPU.
 */
export function detectToolchains(): Toolchains {
  const nvidiaDevice = fs.existsSync('/dev/nvidiactl') || fs.existsSync('/dev/nvidia0');
  return {
    cuda: onPath('nvcc') && nvidiaDevice,
    metal: process.platform === 'darwin',
    vulkan: onPath('glslc') && (fs.existsSync('/usr/include/vulkan/vulkan.h') || !!process.env.VULKAN_SDK),
  };
}

/** The best variant for this machine. */
export function pickVariant(toolchains: Toolchains = detectToolchains()): BuildVariant {
  if (toolchains.metal) return 'metal';
  if (toolchains.cuda) return 'cuda';
  if (toolchains.vulkan) return 'vulkan';
  return 'cpu-native';
}
