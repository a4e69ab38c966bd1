import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a VSIX carries llama-server for one platform; the extension looks there before anything else. */
export function shippedServerDir(root: string, target = `${process.platform}-${process.arch}`): string {
  return path.join(root, 'dist', 'bin', target);
}

/**
 * Copies a built llama-server and the libraries beside it (ggml backends, llama, mtmd) into
 * dist/bin/<platform>-<arch>/, replacing what was there. A VSIX keeps no links, so each
 * shared library is copied once, under the name the loader asks for: its soname link
 * (`libggml.so.0`) or its plain name when it has no version (`libggml-cpu-haswell.so`, which
 * ggml opens by name); the fully versioned file and the development link are left out.
 */
export function shipServer(binary: string, root: string, target?: string): string {
  const into = shippedServerDir(root, target);
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  const from = path.dirname(binary);
  for (const name of fs.readdirSync(from)) {
    const link = fs.lstatSync(path.join(from, name)).isSymbolicLink();
    const wanted =
      name === path.basename(binary) ||
      /\.(dylib|dll|metal)$/.test(name) ||
      (link && /\.so\.\d+$/.test(name)) ||
      (!link && /\.so$/.test(name));
    if (wanted) fs.copyFileSync(path.join(from, name), path.join(into, name));
  }
  fs.chmodSync(path.join(into, path.basename(binary)), 0o755);
  return into;
}
