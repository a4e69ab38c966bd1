/**
 * Which official llama.cpp release archive runs on this machine. The asset list comes from
 * the release metadata at run time (names change between releases), so this only matches
 * patterns: `llama-<tag>-bin-<platform>.<zip|tar.gz>`, and for Windows CUDA the separate
 * `cudart-llama-bin-win-cuda-<version>-x64` runtime of the same CUDA version.
 */

export interface ReleaseAsset {
  readonly name: string;
  readonly url: string;
  readonly size?: number;
  /** "sha256:<hex>", as the release API publishes it. */
  readonly digest?: string;
}

export type ReleaseVariant = 'metal' | 'cuda' | 'vulkan' | 'cpu';

export interface HostGpu {
  /** An NVIDIA driver is installed (device nodes, or nvidia-smi on Windows). */
  readonly nvidia: boolean;
  /** A Vulkan loader is installed. */
  readonly vulkan: boolean;
}

export interface ReleaseChoice {
  readonly variant: ReleaseVariant;
  readonly archive: ReleaseAsset;
  /** The CUDA runtime archive that a Windows CUDA build needs beside it. */
  readonly runtime?: ReleaseAsset;
}

const ARCHIVE = String.raw`\.(zip|tar\.gz|tgz)$`;

function find(assets: readonly ReleaseAsset[], platform: string): ReleaseAsset | undefined {
  const pattern = new RegExp(`^llama-.+-bin-${platform}${ARCHIVE}`, 'i');
  return assets.find((a) => pattern.test(a.name));
}

/**
 * The best archive for the platform, architecture and GPU: Apple Silicon gets Metal (the
 * macOS builds include it), NVIDIA gets CUDA with its runtime, another GPU with a Vulkan
 * loader gets Vulkan, everything else the CPU build. Undefined when the release has nothing
 * for this machine.
 */
export function pickReleaseAssets(assets: readonly ReleaseAsset[], platform: NodeJS.Platform, arch: string, gpu: HostGpu): ReleaseChoice | undefined {
  const a = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!a) return undefined;
  const choose = (variant: ReleaseVariant, archive: ReleaseAsset | undefined, runtime?: ReleaseAsset): ReleaseChoice | undefined => (archive ? { variant, archive, runtime } : undefined);
  if (platform === 'darwin') return choose(a === 'arm64' ? 'metal' : 'cpu', find(assets, `macos-${a}`));
  if (platform === 'linux') {
    if (gpu.nvidia) {
      const cuda = find(assets, `ubuntu-cuda-[\\d.]+-${a}`) ?? find(assets, `ubuntu-cuda-${a}`);
      if (cuda) return choose('cuda', cuda);
    }
    if (gpu.vulkan || gpu.nvidia) {
      const vulkan = find(assets, `ubuntu-vulkan-${a}`);
      if (vulkan) return choose('vulkan', vulkan);
    }
    return choose('cpu', find(assets, `ubuntu-${a}`));
  }
  if (platform === 'win32') {
    if (gpu.nvidia) {
      const cuda = assets.find((x) => new RegExp(`^llama-.+-bin-win-cuda-([\\d.]+)-${a}${ARCHIVE}`, 'i').test(x.name));
      const version = cuda && new RegExp(`win-cuda-([\\d.]+)-${a}`, 'i').exec(cuda.name)?.[1];
      const runtime = version ? assets.find((x) => x.name.toLowerCase().startsWith(`cudart-llama-bin-win-cuda-${version}-${a}`)) : undefined;
      if (cuda && runtime) return choose('cuda', cuda, runtime);
    }
    if (gpu.vulkan || gpu.nvidia) {
      const vulkan = find(assets, `win-vulkan-${a}`);
      if (vulkan) return choose('vulkan', vulkan);
    }
    return choose('cpu', find(assets, `win-cpu-${a}`));
  }
  return undefined;
}
