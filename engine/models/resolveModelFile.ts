import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptModelFileError, ModelNotFoundError, classifyFsError, errnoCode } from './errors';
import { withDownloadLock } from './downloadLock';
import { DownloadProgress, downloadFile } from './fileDownload';
import { hasGgufMagic } from './ggufHeader';
import { HubOptions, hubHeaders, resolveDownloadUrl } from './hubClient';
import { ModelRole, ROLE_LABEL } from './modelRole';
import { ModelSource, RemoteModelSource, cachedFilePath, describeSource, parseModelSource } from './modelSource';

/**
 * Turns a model location into a local file: a path is checked and used as it is; a remote
 * source is looked up in the models folder and downloaded only when it is not there yet.
 * Errors carry the file's `role` in their facts, so the front end can name where it is set.
 */

export interface ResolveModelOptions {
  /** Folder for downloaded files; the extension passes one under its global storage. */
  readonly modelsDir: string;
  readonly role?: ModelRole;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Called when another process (another VS Code window) is downloading the same file. */
  readonly onWaitingForOtherProcess?: () => void;
  /** Hub endpoint (HF_ENDPOINT when unset) and token (HF_TOKEN when unset). */
  readonly endpoint?: string;
  readonly token?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly homeDir?: string;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly idleTimeoutMs?: number;
}

export interface ResolvedModelFile {
  readonly path: string;
  readonly source: ModelSource;
  /** True when this call downloaded it (or finished downloading it). */
  readonly downloaded: boolean;
}

/** Where the file for `spec` is, or will be once downloaded; needs no network. */
export function plannedModelPath(spec: string, modelsDir: string, homeDir?: string): string {
  const source = parseModelSource(spec, homeDir);
  return source.kind === 'path' ? source.path : cachedFilePath(source, modelsDir);
}

async function isFile(filePath: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(filePath)).isFile();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw classifyFsError(error, filePath, 'reading');
  }
}

async function resolveLocal(filePath: string, options: ResolveModelOptions): Promise<string> {
  const facts = { role: options.role ?? 'model', path: filePath };
  if (!(await isFile(filePath))) {
    throw new ModelNotFoundError(`There is no ${ROLE_LABEL[facts.role]} file at ${filePath}.`, { facts });
  }
  if (!(await hasGgufMagic(filePath))) {
    throw new CorruptModelFileError(`${filePath} is not a GGUF file (it does not start with "GGUF"); the ${ROLE_LABEL[facts.role]} must be a .gguf file.`, { facts });
  }
  return filePath;
}

/** The finished file, or undefined when it still has to be downloaded. */
async function existingDownload(destination: string): Promise<string | undefined> {
  if (!(await isFile(destination))) return undefined;
  if (await hasGgufMagic(destination)) return destination;
  // Only this code writes into the models folder, so a damaged file there is ours to replace.
  await fs.promises.rm(destination, { force: true });
  return undefined;
}

async function resolveRemote(source: RemoteModelSource, options: ResolveModelOptions): Promise<ResolvedModelFile> {
  const destination = cachedFilePath(source, options.modelsDir);
  if (await existingDownload(destination)) return { path: destination, source, downloaded: false };
  try {
    await fs.promises.mkdir(path.dirname(destination), { recursive: true });
  } catch (error) {
    throw classifyFsError(error, path.dirname(destination), 'creating the folder');
  }
  return withDownloadLock(`${destination}.lock`, () => downloadRemote(source, destination, options), {
    signal: options.signal,
    onWait: () => options.onWaitingForOtherProcess?.(),
  });
}

async function downloadRemote(
  source: RemoteModelSource,
  destination: string,
  options: ResolveModelOptions,
): Promise<ResolvedModelFile> {
  // Another process may have finished it while this one waited for the lock.
  if (await existingDownload(destination)) return { path: destination, source, downloaded: false };
  const label = `the ${ROLE_LABEL[options.role ?? 'model']} ${describeSource(source)}`;
  const offlineHint = `Put the file at ${destination}, or use a local path for the ${ROLE_LABEL[options.role ?? 'model']}.`;
  const offlineFacts = { role: options.role ?? 'model', destination };
  const hub: HubOptions = {
    endpoint: options.endpoint,
    token: options.token,
    env: options.env,
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs,
    offlineHint,
    offlineFacts,
  };
  const remote = await resolveDownloadUrl(source, hub);
  await downloadFile({
    url: remote.url,
    destination,
    headers: source.kind === 'url' ? {} : hubHeaders(hub),
    signal: options.signal,
    onProgress: options.onProgress,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    idleTimeoutMs: options.idleTimeoutMs,
    label,
    offlineHint,
    offlineFacts,
  });
  return { path: destination, source, downloaded: true };
}

export async function resolveModelFile(spec: string, options: ResolveModelOptions): Promise<ResolvedModelFile> {
  const source = parseModelSource(spec, options.homeDir);
  if (source.kind === 'path') return { path: await resolveLocal(source.path, options), source, downloaded: false };
  return resolveRemote(source, options);
}

export interface ModelSetSpecs {
  readonly model: string;
  readonly drafter?: string;
  readonly projector?: string;
}

export interface ResolvedModelSet {
  readonly model: ResolvedModelFile;
  readonly drafter?: ResolvedModelFile;
  readonly projector?: ResolvedModelFile;
}

export interface ResolveModelSetOptions extends Omit<ResolveModelOptions, 'role' | 'onProgress'> {
  readonly onProgress?: (role: ModelRole, progress: DownloadProgress) => void;
}

/** Resolves the three files one after another, so progress reads as one download at a time. */
export async function resolveModelSet(specs: ModelSetSpecs, options: ResolveModelSetOptions): Promise<ResolvedModelSet> {
  const one = (role: ModelRole, spec: string): Promise<ResolvedModelFile> =>
    resolveModelFile(spec, {
      ...options,
      role,
      onProgress: options.onProgress ? (p) => options.onProgress?.(role, p) : undefined,
    });
  const model = await one('model', specs.model);
  const drafter = specs.drafter ? await one('drafter', specs.drafter) : undefined;
  const projector = specs.projector ? await one('projector', specs.projector) : undefined;
  return { model, drafter, projector };
}
