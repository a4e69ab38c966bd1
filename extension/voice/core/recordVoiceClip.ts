import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { prepareAudio, type PreparedAudio } from '../../../engine/media';
import { deleteRecording, RecorderProcess, type RecorderProcessOptions, type RecorderProgress } from './recorderProcess';

/** A voice clip ready for the engine, and where its recording is when recordings are kept. */
export interface VoiceClip extends PreparedAudio {
  /** The raw recording; set only when it was kept (gemmaAgent.voice.keepRecordings). */
  keptFile?: string;
  /** Which recorder made it, for the log. */
  program?: string;
}

export interface RecordVoiceClipOptions extends RecorderProcessOptions {
  /** gemmaAgent.voice.keepRecordings: leave the raw WAV in `folder` after use. */
  keepRecordings: boolean;
  /** Aborting it ends the recording and prepares what was recorded (the stop button). */
  stopSignal: AbortSignal;
  /** Aborting it ends the recording and deletes it; the result is then undefined (Escape). */
  cancelSignal?: AbortSignal;
  /** The recorder is running: the UI can switch to "recording". */
  onStarted?: (recorder: RecorderProcess) => void;
  onProgress?: (progress: RecorderProgress) => void;
}

/**
 * Records until stopped (or the length cap), then turns the recording into what the engine
 * takes: validated, silence trimmed, at most maxSeconds (engine/media prepareAudio). Returns
 * undefined when cancelled. Throws RecorderError (no recorder, it quit, nothing recorded) or
 * MediaError (silent, too short, unreadable) with a message for the user. The raw recording
 * is deleted afterwards, whatever happened, unless recordings are kept.
 */
export async function recordVoiceClip(options: RecordVoiceClipOptions): Promise<VoiceClip | undefined> {
  const { stopSignal, cancelSignal } = options;
  if (cancelSignal?.aborted) return undefined;
  const recorder = new RecorderProcess(options);
  const progress = options.onProgress ? recorder.onProgress(options.onProgress) : undefined;
  let ended: () => void = () => undefined;
  const endedOrStopped = new Promise<void>((resolve) => (ended = resolve));
  const autoStop = recorder.onAutoStop(() => ended());
  const onStop = (): void => ended();
  const onCancel = (): void => {
    ended();
    void recorder.cancel();
  };
  stopSignal.addEventListener('abort', onStop);
  cancelSignal?.addEventListener('abort', onCancel);
  try {
    await recorder.start();
    if (cancelSignal?.aborted) return undefined;
    options.onStarted?.(recorder);
    if (stopSignal.aborted) ended();
    await endedOrStopped;
    if (cancelSignal?.aborted) {
      await recorder.cancel();
      return undefined;
    }
    const file = await recorder.stop();
    if (cancelSignal?.aborted) {
      await recorder.cancel();
      return undefined;
    }
    const clip = await prepareRecording(file, { maxSeconds: options.maxSeconds, keepRecordings: options.keepRecordings });
    return { ...clip, program: recorder.program };
  } catch (err) {
    if (cancelSignal?.aborted) return undefined;
    throw err;
  } finally {
    stopSignal.removeEventListener('abort', onStop);
    cancelSignal?.removeEventListener('abort', onCancel);
    progress?.dispose();
    autoStop.dispose();
    if (recorder.state !== 'stopped') await recorder.cancel();
  }
}

/** Prepares a finished recording for the engine and deletes it unless it is to be kept. */
export async function prepareRecording(file: string, options: { maxSeconds: number; keepRecordings: boolean }): Promise<VoiceClip> {
  try {
    const clip = await prepareAudio({ path: file }, { maxSeconds: options.maxSeconds });
    return options.keepRecordings ? { ...clip, keptFile: file } : clip;
  } finally {
    if (!options.keepRecordings) await deleteRecording(file).catch(() => undefined);
  }
}

/**
 * Recordings left behind by a window that closed mid-recording. Run at startup when
 * recordings are not kept, so the storage folder does not fill up over months.
 */
export async function deleteStaleRecordings(folder: string, olderThanMs = 60 * 60 * 1000): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return 0;
  }
  let deleted = 0;
  const cutoff = Date.now() - olderThanMs;
  for (const name of names) {
    if (!/^voice-.*\.wav$/.test(name)) continue;
    const file = path.join(folder, name);
    try {
      if ((await fs.stat(file)).mtimeMs < cutoff) {
        await fs.rm(file, { force: true });
        deleted++;
      }
    } catch {
      // Another window may be deleting it at the same time.
    }
  }
  return deleted;
}
