import { WEBP_WASM_BASE64 } from './webpWasm';

interface WebpExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(pointer: number): void;
  WebPDecodeRGBA(data: number, size: number, widthOut: number, heightOut: number): number;
}

let compiled: WebAssembly.Module | undefined;

function webpModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(WEBP_WASM_BASE64, 'base64'));
  return compiled;
}

/** The decoder never does I/O; these satisfy its imports and would only fire on a bug. */
const wasiStubs = {
  fd_close: () => 8,
  fd_seek: () => 8,
  fd_write: () => 8,
};

/**
 * Decodes a still WebP (lossy, lossless, with or without alpha) to RGBA, or returns
 * undefined when libwebp rejects the data. Each call gets its own instance: WebAssembly
 * memory only grows, so a shared instance would keep the largest image's pixels alive for
 * as long as the extension host runs.
 */
export function decodeWebp(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } | undefined {
  const instance = new WebAssembly.Instance(webpModule(), { wasi_snapshot_preview1: wasiStubs });
  const wasm = instance.exports as unknown as WebpExports;
  const input = wasm.malloc(bytes.byteLength);
  const sizes = wasm.malloc(8);
  if (input === 0 || sizes === 0) return undefined;
  new Uint8Array(wasm.memory.buffer, input, bytes.byteLength).set(bytes);
  const output = wasm.WebPDecodeRGBA(input, bytes.byteLength, sizes, sizes + 4);
  if (output === 0) return undefined;
  const [width, height] = new Uint32Array(wasm.memory.buffer, sizes, 2);
  // Copied out so the instance and its memory can be collected.
  const data = new Uint8Array(wasm.memory.buffer, output, width * height * 4).slice();
  return { width, height, data };
}
