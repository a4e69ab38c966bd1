import * as vscode from 'vscode';
import { RECORDER_SETTINGS, type RecorderSetting } from './core/recorderPrograms';

export interface VoiceSettings {
  recorder: RecorderSetting;
  recorderCommand: string;
  keepRecordings: boolean;
  maxAudioSeconds: number;
}

/**
 * The voice settings. recorderCommand names a program to run, so in Restricted Mode only
 * the user's own value counts, never one a cloned repository's .vscode/settings.json put
 * there (VS Code filters restricted settings too; this does not depend on it).
 */
export function readVoiceSettings(): VoiceSettings {
  const c = vscode.workspace.getConfiguration('gemmaAgent');
  const recorder = c.get<string>('voice.recorder', 'auto');
  const command = vscode.workspace.isTrusted ? c.get<string>('voice.recorderCommand', '') : (c.inspect<string>('voice.recorderCommand')?.globalValue ?? '');
  const maxSeconds = c.get<number>('media.maxAudioSeconds', 30);
  return {
    recorder: (RECORDER_SETTINGS as readonly string[]).includes(recorder) ? (recorder as RecorderSetting) : 'auto',
    recorderCommand: command.trim(),
    keepRecordings: c.get<boolean>('voice.keepRecordings', false),
    maxAudioSeconds: Number.isFinite(maxSeconds) && maxSeconds > 0 ? Math.min(maxSeconds, 300) : 30,
  };
}
