import type { ErrorFacts } from '../errors';
import { ModelNotFoundError, UnsupportedModelFileError } from './errors';
import { getJson } from './jsonGet';
import { DEFAULT_REVISION, RemoteModelSource, describeSource } from './modelSource';

/**
 * The two Hugging Face hub calls a download needs: the manifest that maps `owner/repo:QUANT`
 * to a file name (the same endpoint llama.cpp's `-hf` uses), and the file's download URL.
 */

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubOptions {
  /** Overrides the hub, for a mirror or a test server; HF_ENDPOINT is used when unset. */
  readonly endpoint?: string;
  /** Access token for gated repositories; HF_TOKEN is used when unset. */
  readonly token?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  readonly idleTimeoutMs?: number;
  /** What the user can do instead, appended to "no network" errors. */
  readonly offlineHint?: string;
  /** Facts for "no network" errors, such as which file it was for. */
  readonly offlineFacts?: ErrorFacts;
}

export function hubEndpoint(options: Pick<HubOptions, 'endpoint' | 'env'> = {}): string {
  const env = options.env ?? process.env;
  const chosen = options.endpoint || env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT;
  return chosen.replace(/\/+$/, '');
}

export function hubHeaders(options: Pick<HubOptions, 'token' | 'env'>): Record<string, string> {
  const token = options.token ?? (options.env ?? process.env).HF_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function hubFileUrl(endpoint: string, owner: string, repo: string, revision: string, file: string): string {
  const filePath = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/resolve/${encodeURIComponent(revision)}/${filePath}`;
}

interface QuantManifest {
  readonly ggufFile?: { readonly rfilename?: unknown; readonly size?: unknown };
}

/** `model-00001-of-00003.gguf`: llama.cpp's split format, which needs every part. */
const SPLIT_FILE = /-\d{5}-of-\d{5}\.gguf$/i;

export interface HubFile {
  readonly url: string;
  readonly file: string;
  readonly size?: number;
}

/** getJson for the hub: its token, and the gated-repository advice on a refusal. */
export function hubGetJson<T>(url: string, what: string, notFound: string, options: HubOptions, headers: Record<string, string> = {}): Promise<T> {
  return getJson<T>(url, {
    what,
    notFound,
    notFoundStatuses: [404, 400],
    refused: (status) =>
      `Access to ${what} was refused (HTTP ${status}). If the repository is gated, accept its license on the hub ` +
      'and set the HF_TOKEN environment variable to an access token.',
    headers: { ...hubHeaders(options), ...headers },
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs,
    offlineHint: options.offlineHint,
    offlineFacts: options.offlineFacts,
  });
}

async function resolveQuant(
  source: Extract<RemoteModelSource, { kind: 'hf-quant' }>,
  options: HubOptions,
): Promise<HubFile> {
  const endpoint = hubEndpoint(options);
  const manifestUrl = `${endpoint}/v2/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}/manifests/${encodeURIComponent(source.tag)}`;
  const uri = describeSource(source);
  // The hub only includes `ggufFile` in the manifest for llama.cpp's user agent.
  const manifest = await hubGetJson<QuantManifest>(
    manifestUrl,
    uri,
    `${uri} was not found on ${new URL(endpoint).host}: the repository does not exist or has no ` +
      `${source.tag === 'latest' ? 'GGUF' : source.tag} file. Check the owner, repository and quantization names.`,
    options,
    { 'user-agent': 'llama-cpp' },
  );
  const file = manifest.ggufFile?.rfilename;
  if (typeof file !== 'string' || file === '') {
    throw new ModelNotFoundError(`${uri} has no GGUF file for quantization ${source.tag}. Check the quantization name.`);
  }
  if (SPLIT_FILE.test(file)) {
    throw new UnsupportedModelFileError(
      `${uri} is split into several files (${file}), which Gemma Agent does not download. ` +
        'Download the parts yourself, merge them with llama-gguf-split --merge, and use the merged file.',
    );
  }
  const size = typeof manifest.ggufFile?.size === 'number' ? manifest.ggufFile.size : undefined;
  return { url: hubFileUrl(endpoint, source.owner, source.repo, DEFAULT_REVISION, file), file, size };
}

/** The URL to download for a remote source; only `hf:owner/repo:QUANT` needs the network for it. */
export async function resolveDownloadUrl(source: RemoteModelSource, options: HubOptions = {}): Promise<HubFile> {
  switch (source.kind) {
    case 'hf-quant':
      return resolveQuant(source, options);
    case 'hf-file':
      return {
        url: hubFileUrl(hubEndpoint(options), source.owner, source.repo, source.revision, source.file),
        file: source.file,
      };
    case 'url':
      return { url: source.url, file: new URL(source.url).pathname.split('/').pop() ?? '' };
  }
}
