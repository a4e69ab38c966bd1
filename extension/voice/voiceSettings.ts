import { setting } from '../settings/settings';
import type { RecorderSetting } from './core/recorderPrograms';

export interface VoiceSettings {
  recorder: RecorderSetting;
  recorderCommand: string;
  keepRecordings: boolean;
  maxAudioSeconds: number;
}

/**
 * The voice settings. recorderCommand names a program to run, so in Restricted Mode only
 * the user's own value counts, never one a cloned repository's .vscode/settings.json put
 * there (VS Code filters restricted settings too; the registry does not depend on it).
 */
export function readVoiceSettings(): VoiceSettings {
  return {
    recorder: setting('voiceRecorder'),
    recorderCommand: setting('voiceRecorderCommand'),
    keepRecordings: setting('keepRecordings'),
    maxAudioSeconds: setting('maxAudioSeconds'),
  };
}
