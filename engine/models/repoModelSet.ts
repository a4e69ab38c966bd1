import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelNotFoundError } from './errors';
import { hubEndpoint, hubGetJson, type HubOptions } from './hubClient';
import { DEFAULT_REVISION } from './modelSource';

/**
 * The three files of a Gemma 4 model set from one repository's file list, found the way
 * llama-server's `-hf` finds them: the quantization asked for, and beside it the projector
 * (`mmproj-*.gguf`) and the MTP drafter (`mtp-*.gguf`).
 */

export interface RepoFile {
  readonly path: string;
  readonly size?: number;
}

export interface RepoModelSet {
  readonly owner: string;
  readonly repo: string;
  readonly model: RepoFile;
  readonly drafter?: RepoFile;
  readonly projector?: RepoFile;
}

/** The recommended set: Gemma 4 12B Q4_K_M with its drafter and projector, all in one repository. */
export const RECOMMENDED_REPO = { owner: 'unsloth', repo: 'gemma-4-12b-it-GGUF', quant: 'Q4_K_M' } as const;

interface TreeEntry {
  readonly type?: unknown;
  readonly path?: unknown;
  readonly size?: unknown;
  readonly lfs?: { readonly size?: unknown };
}

/** Every file at the top of a repository, with sizes (the hub's tree listing). */
export async function listRepoFiles(owner: string, repo: string, options: HubOptions = {}): Promise<RepoFile[]> {
  const endpoint = hubEndpoint(options);
  const url = `${endpoint}/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/tree/${DEFAULT_REVISION}`;
  const entries = await hubGetJson<TreeEntry[]>(url, `hf:${owner}/${repo}`, `hf:${owner}/${repo} was not found on ${new URL(endpoint).host}. Check the owner and repository names.`, options);
  if (!Array.isArray(entries)) throw new ModelNotFoundError(`hf:${owner}/${repo} did not list its files.`);
  return entries
    .filter((e) => e.type === 'file' && typeof e.path === 'string')
    .map((e) => {
      const size = typeof e.lfs?.size === 'number' ? e.lfs.size : typeof e.size === 'number' ? e.size : undefined;
      return { path: e.path as string, size };
    });
}

const isGguf = (f: RepoFile): boolean => f.path.toLowerCase().endsWith('.gguf');
const base = (f: RepoFile): string => f.path.split('/').pop()!.toLowerCase();

/** Picks the model of `quant` and its sidecars; a projector in F16 is preferred (what the projection was trained in). */
export function pickModelSet(owner: string, repo: string, files: RepoFile[], quant: string): RepoModelSet {
  const ggufs = files.filter(isGguf);
  const sidecar = (f: RepoFile): boolean => base(f).startsWith('mmproj') || base(f).startsWith('mtp-');
  const wanted = quant.toLowerCase();
  const model = ggufs.find((f) => !sidecar(f) && new RegExp(`[-_.]${wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.gguf$`).test(base(f)));
  if (!model) {
    const have = ggufs.filter((f) => !sidecar(f)).map(base);
    throw new ModelNotFoundError(`hf:${owner}/${repo} has no ${quant} file${have.length ? ` (it has ${have.join(', ')})` : ''}.`);
  }
  return { owner, repo, model, ...pickSidecars(ggufs) };
}

/** The projector (`mmproj-*`, F16 first) and MTP drafter (`mtp-*`) among files lying together. */
export function pickSidecars<F extends RepoFile>(files: F[]): { drafter?: F; projector?: F } {
  const ggufs = files.filter(isGguf);
  const projectors = ggufs.filter((f) => base(f).startsWith('mmproj'));
  const projector = projectors.find((f) => /(^|[-_.])f16[-_.]/.test(base(f))) ?? projectors[0];
  const drafter = ggufs.find((f) => base(f).startsWith('mtp-'));
  return { drafter, projector };
}

/** The drafter and projector lying beside a model file the user picked, as paths. */
export async function sidecarsBeside(modelPath: string): Promise<{ drafter?: string; projector?: string }> {
  const dir = path.dirname(modelPath);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return {};
  }
  const found = pickSidecars(names.map((name) => ({ path: name })));
  return { drafter: found.drafter && path.join(dir, found.drafter.path), projector: found.projector && path.join(dir, found.projector.path) };
}

/** `hf:owner/repo/file` for each file of the set, as the model settings take them. */
export function setUris(set: RepoModelSet): { model: string; drafter?: string; projector?: string } {
  const uri = (f: RepoFile | undefined): string | undefined => (f ? `hf:${set.owner}/${set.repo}/${f.path}` : undefined);
  return { model: uri(set.model)!, drafter: uri(set.drafter), projector: uri(set.projector) };
}

/** Bytes to download for the whole set, when the listing gave every size. */
export function setBytes(set: RepoModelSet): number | undefined {
  const files = [set.model, set.drafter, set.projector].filter((f): f is RepoFile => f !== undefined);
  return files.every((f) => f.size !== undefined) ? files.reduce((n, f) => n + (f.size ?? 0), 0) : undefined;
}

export async function resolveRepoModelSet(owner: string, repo: string, quant: string, options: HubOptions = {}): Promise<RepoModelSet> {
  return pickModelSet(owner, repo, await listRepoFiles(owner, repo, options), quant);
}
