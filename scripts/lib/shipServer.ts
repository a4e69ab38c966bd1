import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a VSIX carries llama-server for one platform; the extension looks there before anything else. */
export function shippedServerDir(root: string, target = `${process.platform}-${process.arch}`): string {
  return path.join(root, 'dist', 'bin', target);
}

/**
 * Copies a built llama-server and the libraries beside it (ggml backends, llama, mtmd) into
 * dist/bin/<platform>-<arch>/, replacing what was there. Symlinked library names are copied
 * as files, since a VSIX keeps no links.
 */
export function shipServer(binary: string, root: string, target?: string): string {
  const into = shippedServerDir(root, target);
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  const from = path.dirname(binary);
  for (const name of fs.readdirSync(from)) {
    if (name === path.basename(binary) || /\.(so(\.\d+)*|dylib|dll|metal)$/.test(name)) fs.copyFileSync(path.join(from, name), path.join(into, name));
  }
  fs.chmodSync(path.join(into, path.basename(binary)), 0o755);
  return into;
}
