import { promises as fs } from 'node:fs';
import { decodeWavMono } from '../../../engine/media/wavDecode';
import { readWavLayout, type WavLayout } from '../../../engine/media/wavHeader';

/**
 * Reading a WAV file while a recorder is still writing it, and tidying it up afterwards.
 * Every recorder writes its header first, so the format is known from the first read on;
 * the data size in that header is a placeholder until the recorder closes the file.
 */

/** Enough for any header a recorder writes (fmt, LIST/INFO, fact, then data). */
const HEADER_BYTES = 4096;

/** The header of `file`, or undefined while the recorder has not written one yet. */
export async function readGrowingWavLayout(file: string): Promise<WavLayout | undefined> {
  const head = await readRange(file, 0, HEADER_BYTES);
  if (!head || head.length < 44) return undefined;
  try {
    return readWavLayout(head);
  } catch {
    return undefined;
  }
}

/** Whole frames of audio in the file now, going by its size rather than its header. */
export async function framesOnDisk(file: string, layout: WavLayout): Promise<number> {
  const size = await fileSize(file);
  return size === undefined ? 0 : Math.max(0, Math.floor((size - layout.dataOffset) / layout.blockAlign));
}

/**
 * Loudness of the last `windowSeconds` written, 0..1 on a -60..0 dBFS scale: that is how a
 * level meter reads to people (speech sits around 0.5 to 0.8, room noise near 0).
 */
export async function recentLevel(file: string, layout: WavLayout, windowSeconds = 0.1): Promise<number> {
  const frames = await framesOnDisk(file, layout);
  const take = Math.min(frames, Math.max(1, Math.round(windowSeconds * layout.sampleRate)));
  if (take === 0) return 0;
  const start = layout.dataOffset + (frames - take) * layout.blockAlign;
  const bytes = await readRange(file, start, take * layout.blockAlign);
  if (!bytes) return 0;
  const usable = Math.floor(bytes.length / layout.blockAlign);
  const samples = decodeWavMono(bytes, { ...layout, dataOffset: 0, frames: usable });
  return levelFromSamples(samples);
}

export function levelFromSamples(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/**
 * A recorder stopped hard (SIGKILL, TerminateProcess on Windows, a full disk) leaves the
 * RIFF and data sizes as placeholders. Our reader copes, but a kept recording should open
 * in any player, so the sizes are written from the file's real length. Only the common
 * layout (data as the last chunk) is patched; anything else is left as it is.
 */
export async function repairWavSizes(file: string): Promise<void> {
  const layout = await readGrowingWavLayout(file);
  const size = await fileSize(file);
  if (!layout || size === undefined || layout.dataOffset < 12) return;
  const head = await readRange(file, 0, layout.dataOffset);
  if (!head || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', layout.dataOffset - 8, layout.dataOffset - 4) !== 'data') return;
  const onDisk = size - layout.dataOffset;
  const dataBytes = (await framesOnDisk(file, layout)) * layout.blockAlign;
  const riffSize = Math.min(0xffffffff, size - 8);
  const declaredData = head.readUInt32LE(layout.dataOffset - 4);
  const declaredRiff = head.readUInt32LE(4);
  // A smaller, non-zero declared size may be right, with another chunk after the data: keep it.
  const placeholder = declaredData === 0 || declaredData > onDisk;
  if (!placeholder || (declaredData === dataBytes && declaredRiff === riffSize)) return;
  const handle = await fs.open(file, 'r+');
  try {
    const field = Buffer.alloc(4);
    field.writeUInt32LE(riffSize);
    await handle.write(field, 0, 4, 4);
    field.writeUInt32LE(Math.min(0xffffffff, dataBytes));
    await handle.write(field, 0, 4, layout.dataOffset - 4);
  } finally {
    await handle.close();
  }
}

export async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}

async function readRange(file: string, position: number, length: number): Promise<Buffer | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
