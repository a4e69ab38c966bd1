import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidModelSpecError } from './errors';

/**
 * Where a model file comes from, parsed from a setting's text:
 * - a local path: `/models/x.gguf`, `~/models/x.gguf`, `C:\models\x.gguf`, `file:///...`
 * - `hf:owner/repo:QUANT` (the hub picks the file for that quantization; no tag means "latest")
 * - `hf:owner/repo/path/file.gguf` with an optional `#revision`
 * - an `http://` or `https://` URL
 */
export type ModelSource =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'hf-quant'; readonly owner: string; readonly repo: string; readonly tag: string }
  | {
      readonly kind: 'hf-file';
      readonly owner: string;
      readonly repo: string;
      readonly file: string;
      readonly revision: string;
    }
  | { readonly kind: 'url'; readonly url: string };

export type RemoteModelSource = Exclude<ModelSource, { kind: 'path' }>;

export const DEFAULT_REVISION = 'main';
export const LATEST_TAG = 'latest';

const EXAMPLES =
  'Use an absolute path (~ allowed), hf:owner/repo:QUANT (for example hf:giladgd/gemma-4-12B-it-GGUF:Q4_K_M), ' +
  'hf:owner/repo/file.gguf, or an https:// URL.';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function invalid(spec: string, why: string): InvalidModelSpecError {
  return new InvalidModelSpecError(`"${spec}" is not a model location I can use: ${why}. ${EXAMPLES}`);
}

function isWindowsAbsolute(spec: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(spec) || spec.startsWith('\\\\');
}

function parseHuggingFace(spec: string, body: string): RemoteModelSource {
  const [location, revision, ...extra] = body.split('#');
  if (extra.length > 0 || revision === '') throw invalid(spec, 'it has more than one "#revision"');
  const parts = location.split('/');
  if (parts.length < 2) throw invalid(spec, 'an hf: URI needs owner/repo');
  const owner = parts[0];
  if (parts.length === 2) {
    if (revision !== undefined) throw invalid(spec, 'a #revision needs a file path, as in hf:owner/repo/file.gguf#revision');
    const [repo, tag, ...rest] = parts[1].split(':');
    if (rest.length > 0) throw invalid(spec, 'it has more than one ":QUANT"');
    if (!NAME.test(owner) || !NAME.test(repo)) throw invalid(spec, 'the owner or repository name has unusual characters');
    if (tag !== undefined && !TAG.test(tag)) throw invalid(spec, `"${tag}" is not a quantization name`);
    const normalizedTag = tag === undefined || tag.toLowerCase() === LATEST_TAG ? LATEST_TAG : tag.toUpperCase();
    return { kind: 'hf-quant', owner, repo, tag: normalizedTag };
  }
  const repo = parts[1];
  const fileParts = parts.slice(2);
  if (!NAME.test(owner) || !NAME.test(repo)) throw invalid(spec, 'the owner or repository name has unusual characters');
  if (fileParts.some((p) => p === '' || p === '.' || p === '..')) throw invalid(spec, 'the file path is not a plain path');
  const file = fileParts.join('/');
  if (!file.toLowerCase().endsWith('.gguf')) throw invalid(spec, 'the file must be a .gguf file');
  if (revision !== undefined && !TAG.test(revision)) throw invalid(spec, `"${revision}" is not a revision name`);
  return { kind: 'hf-file', owner, repo, file, revision: revision ?? DEFAULT_REVISION };
}

export function parseModelSource(spec: string, homeDir: string = os.homedir()): ModelSource {
  const text = spec.trim();
  if (text === '') throw invalid(spec, 'it is empty');
  const hf = /^(?:hf|huggingface):(.*)$/i.exec(text);
  if (hf) return parseHuggingFace(text, hf[1]);
  if (/^https?:\/\//i.test(text)) {
    try {
      return { kind: 'url', url: new URL(text).href };
    } catch {
      throw invalid(spec, 'the URL does not parse');
    }
  }
  if (/^file:\/\//i.test(text)) {
    try {
      return { kind: 'path', path: path.normalize(fileURLToPath(text)) };
    } catch {
      throw invalid(spec, 'the file URL does not parse');
    }
  }
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) {
    return { kind: 'path', path: path.join(homeDir, text.slice(1)) };
  }
  if (path.isAbsolute(text) || isWindowsAbsolute(text)) return { kind: 'path', path: path.normalize(text) };
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !isWindowsAbsolute(text)) {
    throw invalid(spec, `"${text.split(':')[0]}:" is not a supported scheme`);
  }
  throw invalid(spec, 'a relative path is ambiguous');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Keeps a name usable as one path segment on every platform. */
function safeSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._@+-]/g, '_');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

/** `gemma-4-12B-it-GGUF` names files `gemma-4-12B-it-Q4_K_M.gguf`; follow that convention. */
function repoBaseName(repo: string): string {
  return repo.replace(/[-_.]gguf$/i, '');
}

/**
 * Where a remote file is kept in the models folder. The name depends only on the source
 * text, so a file downloaded once is found again without asking the network.
 */
export function cachedFilePath(source: RemoteModelSource, modelsDir: string): string {
  switch (source.kind) {
    case 'hf-quant': {
      const base = safeSegment(repoBaseName(source.repo));
      const name = source.tag === LATEST_TAG ? `${base}.gguf` : `${base}-${safeSegment(source.tag)}.gguf`;
      return path.join(modelsDir, 'huggingface', safeSegment(source.owner), safeSegment(source.repo), name);
    }
    case 'hf-file': {
      const repoDir =
        source.revision === DEFAULT_REVISION ? source.repo : `${source.repo}@${source.revision}`;
      return path.join(
        modelsDir,
        'huggingface',
        safeSegment(source.owner),
        safeSegment(repoDir),
        ...source.file.split('/').map(safeSegment),
      );
    }
    case 'url': {
      const url = new URL(source.url);
      const last = safeDecode(url.pathname.split('/').pop() ?? '') || 'model.gguf';
      // The hash keeps two URLs that end in the same file name apart.
      const hash = createHash('sha256').update(source.url).digest('hex').slice(0, 10);
      return path.join(modelsDir, 'downloads', safeSegment(url.host), `${hash}-${safeSegment(last)}`);
    }
  }
}

/** The source written back as text, for messages. */
export function describeSource(source: ModelSource): string {
  switch (source.kind) {
    case 'path': return source.path;
    case 'url': return source.url;
    case 'hf-quant': return `hf:${source.owner}/${source.repo}${source.tag === LATEST_TAG ? '' : `:${source.tag}`}`;
    case 'hf-file':
      return `hf:${source.owner}/${source.repo}/${source.file}${source.revision === DEFAULT_REVISION ? '' : `#${source.revision}`}`;
  }
}
