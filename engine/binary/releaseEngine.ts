import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import * as yauzl from 'yauzl';
import { errorMessage } from '../errors';
import { CorruptModelFileError } from '../models/errors';
import { downloadFile, type DownloadProgress } from '../models/fileDownload';
import { getJson } from '../models/jsonGet';
import { pickReleaseAssets, type HostGpu, type ReleaseAsset, type ReleaseChoice } from './releaseAssets';
import { BinaryNotFoundError, missingFeatures, serverExecutable, serverFeatures, serverVersion, type ServerNeeds } from './serverProbe';

/**
 * The official llama.cpp release build, downloaded once for machines the VSIX carries no
 * engine for (macOS with Metal, Windows with CUDA, Vulkan or CPU, Linux with a GPU). The
 * tag is the one whose source node-llama-cpp bundles (its llama/llama.cpp.info.json; a unit
 * test keeps the two equal), so the downloaded engine and the one built in development are
 * the same llama.cpp.
 */
export const LLAMA_CPP_RELEASE = { repo: 'ggml-org/llama.cpp', tag: 'v0.5.0' } as const;
export const DEFAULT_RELEASES_API = 'https://api.github.com';

export interface ReleaseOptions {
  /** Global storage; the engine goes to <root>/llama-server/<tag>/<variant>/. */
  readonly root: string;
  /** The release API (GEMMA_AGENT_RELEASES_API, else GitHub's); a test points it at a loopback server. */
  readonly apiBase?: string;
  readonly needs: ServerNeeds;
  readonly gpu?: HostGpu;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress & { readonly file: string }) => void;
}

export function releaseApiBase(options: Pick<ReleaseOptions, 'apiBase'> = {}, env: NodeJS.ProcessEnv = process.env): string {
  return (options.apiBase || env.GEMMA_AGENT_RELEASES_API || DEFAULT_RELEASES_API).replace(/\/+$/, '');
}

/** GPUs as the files their drivers leave behind show them; no process is started. */
export function detectHostGpu(platform: NodeJS.Platform = process.platform): HostGpu {
  const any = (files: string[]): boolean => files.some((f) => fs.existsSync(f));
  if (platform === 'linux') {
    return {
      nvidia: any(['/dev/nvidiactl', '/dev/nvidia0', '/proc/driver/nvidia/version']),
      vulkan: any(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1']),
    };
  }
  if (platform === 'win32') {
    const system = path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32');
    return { nvidia: any([path.join(system, 'nvcuda.dll'), path.join(system, 'nvidia-smi.exe')]), vulkan: any([path.join(system, 'vulkan-1.dll')]) };
  }
  return { nvidia: false, vulkan: false };
}

interface ReleaseJson {
  readonly assets?: { readonly name?: unknown; readonly browser_download_url?: unknown; readonly size?: unknown; readonly digest?: unknown }[];
}

/** The release's assets, read from its metadata (GitHub's release API shape). */
export async function fetchReleaseAssets(options: Pick<ReleaseOptions, 'apiBase' | 'signal'> = {}): Promise<ReleaseAsset[]> {
  const url = `${releaseApiBase(options)}/repos/${LLAMA_CPP_RELEASE.repo}/releases/tags/${LLAMA_CPP_RELEASE.tag}`;
  const what = `llama.cpp release ${LLAMA_CPP_RELEASE.tag}`;
  const parsed = await getJson<ReleaseJson>(url, {
    what,
    notFound: `${what} was not found at ${new URL(url).host}.`,
    headers: { accept: 'application/vnd.github+json', 'user-agent': 'gemma-agent' },
    signal: options.signal,
    idleTimeoutMs: 30_000,
    offlineFacts: { subject: 'llama-server' },
  });
  return (parsed.assets ?? [])
    .filter((a) => typeof a.name === 'string' && typeof a.browser_download_url === 'string')
    .map((a) => ({ name: a.name as string, url: a.browser_download_url as string, size: typeof a.size === 'number' ? a.size : undefined, digest: typeof a.digest === 'string' ? a.digest : undefined }));
}

export function releaseDir(root: string, variant: string): string {
  return path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag, variant);
}

/** A release engine installed earlier (any variant), once its install finished. */
export function findInstalledRelease(root: string): string | undefined {
  const tagDir = path.join(root, 'llama-server', LLAMA_CPP_RELEASE.tag);
  let variants: string[];
  try {
    variants = fs.readdirSync(tagDir);
  } catch {
    return undefined;
  }
  for (const variant of ['cuda', 'metal', 'vulkan', 'cpu'].filter((v) => variants.includes(v))) {
    const dir = releaseDir(root, variant);
    const marker = path.join(dir, '.complete');
    if (!fs.existsSync(marker)) continue;
    const bin = (JSON.parse(fs.readFileSync(marker, 'utf8')) as { binary?: string }).binary;
    if (bin && fs.existsSync(path.join(dir, bin))) return path.join(dir, bin);
  }
  return undefined;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The download must match the digest the release publishes; a mismatch is thrown away and fetched again next time. */
function checkDigest(asset: ReleaseAsset): (file: string) => Promise<void> {
  return async (file) => {
    const expected = asset.digest?.replace(/^sha256:/i, '').toLowerCase();
    if (!expected) return; // older releases publish no digest; the archive must still extract and run
    const actual = await sha256(file);
    if (actual !== expected) {
      throw new CorruptModelFileError(`${asset.name} is damaged or was changed: its SHA-256 is ${actual}, the release says ${expected}. It was deleted; try again.`);
    }
  };
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/** Extracts a zip entry by entry, refusing names that would land outside `into`. */
async function extractZip(file: string, into: string): Promise<void> {
  const zip = await openZip(file);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      zip.close();
      reject(error);
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entry.fileName.replace(/\\/g, '/');
        if (name.startsWith('/') || name.split('/').includes('..') || /^[A-Za-z]:/.test(name)) {
          throw new CorruptModelFileError(`${path.basename(file)} holds an entry outside its folder (${entry.fileName}); it was not extracted.`);
        }
        const target = path.join(into, name);
        if (name.endsWith('/')) {
          await fs.promises.mkdir(target, { recursive: true });
        } else {
          await fs.promises.mkdir(path.dirname(target), { recursive: true });
          await fs.promises.writeFile(target, await entryStream(zip, entry));
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          if (mode) await fs.promises.chmod(target, mode);
        }
        zip.readEntry();
      })().catch(fail);
    });
    zip.readEntry();
  });
}

async function extract(file: string, into: string): Promise<void> {
  await fs.promises.mkdir(into, { recursive: true });
  try {
    if (/\.zip$/i.test(file)) await extractZip(file, into);
    else await tar.x({ file, cwd: into, strict: true });
  } catch (error) {
    if (error instanceof CorruptModelFileError) throw error;
    throw new CorruptModelFileError(`${path.basename(file)} could not be extracted (${errorMessage(error)}). It was deleted; try again.`, { cause: error });
  }
}

/**
 * Removes a half-extracted folder. A failed tar extraction rejects while some of its file
 * writes are still landing, so one pass can meet a folder that fills again (ENOTEMPTY):
 * retry, and never let the clean-up hide the error that caused it.
 */
async function removeStaging(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }).catch(() => undefined);
}

function findBinary(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findBinary(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** The release build for this machine, without downloading: what would be fetched and how big it is. */
export async function chooseReleaseEngine(options: Omit<ReleaseOptions, 'root' | 'needs' | 'onProgress'>): Promise<ReleaseChoice> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const choice = pickReleaseAssets(await fetchReleaseAssets(options), platform, arch, options.gpu ?? detectHostGpu(platform));
  if (!choice) throw new BinaryNotFoundError('binary-not-found', `llama.cpp ${LLAMA_CPP_RELEASE.tag} publishes no build for ${platform}-${arch}.`, { platform, arch });
  return choice;
}

/**
 * Downloads (resumable, cancellable, with progress), checks and extracts the release build
 * into global storage, then proves it runs and has what the model set needs; a build that
 * does not is removed again with the reason. Returns the llama-server path.
 */
export async function installReleaseEngine(choice: ReleaseChoice, options: ReleaseOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const dir = releaseDir(options.root, choice.variant);
  const marker = path.join(dir, '.complete');
  const downloads = path.join(options.root, 'llama-server', LLAMA_CPP_RELEASE.tag, 'downloads');
  const staging = `${dir}.extracting`;
  await fs.promises.rm(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  for (const asset of [choice.archive, choice.runtime].filter((a): a is ReleaseAsset => a !== undefined)) {
    const archive = path.join(downloads, asset.name);
    if (!fs.existsSync(archive)) {
      await downloadFile({ url: asset.url, destination: archive, signal: options.signal, label: `llama-server (${asset.name})`, validate: checkDigest(asset), offlineFacts: { subject: 'llama-server' }, onProgress: (p) => options.onProgress?.({ ...p, file: asset.name }) });
    }
    try {
      await extract(archive, staging);
    } catch (error) {
      await fs.promises.rm(archive, { force: true }); // a damaged archive is fetched again next time
      await removeStaging(staging);
      throw error;
    }
  }
  const found = findBinary(staging, serverExecutable(platform));
  if (!found) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw new BinaryNotFoundError('binary-not-found', `${choice.archive.name} holds no ${serverExecutable(platform)}.`, { archive: choice.archive.name });
  }
  const binDir = path.dirname(found);
  // A CUDA runtime archive unpacks its DLLs at its top; they must sit beside the server.
  if (choice.runtime) for (const f of fs.readdirSync(staging)) if (/\.dll$/i.test(f)) fs.renameSync(path.join(staging, f), path.join(binDir, path.basename(f)));
  if (platform !== 'win32') fs.chmodSync(found, 0o755);
  await fs.promises.rm(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  const binary = path.join(dir, path.relative(staging, found));
  try {
    await serverVersion(binary);
    const missing = missingFeatures(options.needs, await serverFeatures(binary));
    if (missing.length > 0) throw new BinaryNotFoundError('binary-too-old', `The downloaded llama-server (${choice.archive.name}) lacks ${missing.join(' and ')}.`, { binary, missing });
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    const why = errorMessage(error);
    if (error instanceof BinaryNotFoundError) throw new BinaryNotFoundError(error.code, `The downloaded llama-server was removed again: ${why}`, { ...error.facts, downloaded: true }, { cause: error });
    throw new BinaryNotFoundError('binary-does-not-run', `The downloaded llama-server was removed again: ${why}`, { binary, reason: why, downloaded: true }, { cause: error });
  }
  fs.writeFileSync(marker, JSON.stringify({ tag: LLAMA_CPP_RELEASE.tag, variant: choice.variant, archive: choice.archive.name, binary: path.relative(dir, binary) }, null, 2));
  return binary;
}
