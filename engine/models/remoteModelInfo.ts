import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CorruptModelFileError, DownloadHttpError } from './errors';
import { hubFileUrl, hubEndpoint, hubHeaders, type HubOptions } from './hubClient';
import { httpGet } from './httpGet';
import { inspectModelFile, type ModelFileInfo } from './modelInfo';
import { networkError } from './networkErrors';
import { DEFAULT_REVISION } from './modelSource';
import type { RepoFile, RepoModelSet } from './repoModelSet';

/** Header sizes tried in turn: a 262k-token vocabulary and 48 layers' tensor list fit in the first. */
const HEADER_RANGES = [16 * 1024 * 1024, 64 * 1024 * 1024];

/**
 * What a model file on the hub holds, from its GGUF header alone: the first bytes are fetched
 * with a range request and read against the file's full size, so the memory plan can run
 * before gigabytes are downloaded.
 */
export async function inspectRemoteModel(url: string, size: number, options: HubOptions = {}): Promise<ModelFileInfo> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gemma-header-'));
  const file = path.join(dir, 'header.gguf');
  try {
    let lastError: unknown;
    for (const bytes of HEADER_RANGES) {
      const end = Math.min(bytes, size) - 1;
      try {
        const { response } = await httpGet(url, { headers: { ...hubHeaders(options), range: `bytes=0-${end}` }, signal: options.signal, idleTimeoutMs: options.idleTimeoutMs ?? 30_000 });
        const status = response.statusCode ?? 0;
        if (status !== 206 && status !== 200) {
          response.resume();
          throw new DownloadHttpError(`Reading the header of ${url} failed with HTTP ${status}.`, status);
        }
        await pipeline(response, fs.createWriteStream(file));
      } catch (error) {
        throw networkError(error, new URL(url).host, `read the header of ${path.basename(new URL(url).pathname)}`, options.offlineHint, options.offlineFacts);
      }
      try {
        return await inspectModelFile(file, { declaredSize: size });
      } catch (error) {
        // A header longer than the range read so far: try the next, larger range.
        if (!(error instanceof CorruptModelFileError) || end + 1 >= size) throw error;
        lastError = error;
      }
    }
    throw lastError;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** The headers of every file of a repository set, for the memory plan before the download. */
export async function inspectRemoteSet(set: RepoModelSet, options: HubOptions = {}): Promise<{ model: ModelFileInfo; drafter?: ModelFileInfo; projector?: ModelFileInfo }> {
  const endpoint = hubEndpoint(options);
  const one = (f: RepoFile | undefined): Promise<ModelFileInfo | undefined> => {
    if (!f) return Promise.resolve(undefined);
    if (f.size === undefined) throw new DownloadHttpError(`The hub listing gives no size for ${f.path}, so it cannot be planned for.`, 0);
    return inspectRemoteModel(hubFileUrl(endpoint, set.owner, set.repo, DEFAULT_REVISION, f.path), f.size, options);
  };
  const [model, drafter, projector] = await Promise.all([one(set.model), one(set.drafter), one(set.projector)]);
  return { model: model!, drafter, projector };
}
