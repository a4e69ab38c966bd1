import * as path from 'node:path';
import * as vscode from 'vscode';
import { isMediaError } from '../../engine/media';
import { errorText } from '../errorText';
import { formatRecordingTime, levelBar } from './core/recordingDisplay';
import { isRecorderError } from './core/recorderErrors';
import { deleteStaleRecordings, recordVoiceClip, type VoiceClip } from './core/recordVoiceClip';
import { readVoiceSettings } from './voiceSettings';

/** True while recording: keybindings can send the same key (or Escape) to stop or cancel. */
export const RECORDING_CONTEXT_KEY = 'gemmaAgent.recording';
/** Registered by the controller; the status bar item runs it. */
export const STOP_RECORDING_COMMAND = 'gemmaAgent.voice.stopRecording';
export const CANCEL_RECORDING_COMMAND = 'gemmaAgent.voice.cancelRecording';

export type VoiceRecordingPhase = 'idle' | 'starting' | 'recording' | 'preparing';

/** What the chat view shows while recording; sent a few times a second. */
export interface VoiceRecordingStatus {
  phase: VoiceRecordingPhase;
  seconds: number;
  /** Microphone level 0..1. */
  level: number;
  /** The recording stops by itself here. */
  maxSeconds: number;
  /** "sox (rec)", "arecord", "ffmpeg (pulse)", "recorderCommand". */
  program?: string;
}

const IDLE: VoiceRecordingStatus = { phase: 'idle', seconds: 0, level: 0, maxSeconds: 0 };

/**
 * Push-to-talk for this window: one recording at a time, a status bar timer that stops it
 * when clicked, the gemmaAgent.recording context key, and status events for the chat view.
 * The recording itself (program, file, cap, preparation) is recordVoiceClip's.
 */
export class VoiceRecorderController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VoiceRecordingStatus>();
  readonly onDidChangeStatus = this.changed.event;
  private readonly item = vscode.window.createStatusBarItem('gemmaAgent.voice', vscode.StatusBarAlignment.Left, 1000);
  private readonly disposables: vscode.Disposable[] = [];
  private readonly folder: string;
  private current: VoiceRecordingStatus = IDLE;
  private stopper: AbortController | undefined;
  private canceller: AbortController | undefined;

  /** `storage`: the extension's global storage; recordings go to its "recordings" folder. */
  constructor(storage: vscode.Uri, private readonly log?: vscode.LogOutputChannel) {
    this.folder = path.join(storage.fsPath, 'recordings');
    this.item.name = 'Gemma Agent Voice';
    this.item.command = STOP_RECORDING_COMMAND;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.disposables.push(
      this.item,
      this.changed,
      vscode.commands.registerCommand(STOP_RECORDING_COMMAND, () => this.stop()),
      vscode.commands.registerCommand(CANCEL_RECORDING_COMMAND, () => this.cancel()),
    );
    if (!readVoiceSettings().keepRecordings) void deleteStaleRecordings(this.folder).catch(() => undefined);
  }

  get status(): VoiceRecordingStatus {
    return this.current;
  }

  /** Starting, recording or preparing: a second record() would be refused. */
  get isBusy(): boolean {
    return this.current.phase !== 'idle';
  }

  /**
   * Records until stop() (or the status bar click, or the length cap) and returns the clip
   * prepared for the engine; undefined when cancelled or already recording. Throws
   * RecorderError or MediaError; showError() tells the user.
   */
  async record(): Promise<VoiceClip | undefined> {
    if (this.isBusy) return undefined;
    const settings = readVoiceSettings();
    const stopper = (this.stopper = new AbortController());
    const canceller = (this.canceller = new AbortController());
    this.update({ phase: 'starting', seconds: 0, level: 0, maxSeconds: settings.maxAudioSeconds });
    try {
      const clip = await recordVoiceClip({
        folder: this.folder,
        recorder: settings.recorder,
        recorderCommand: settings.recorderCommand,
        maxSeconds: settings.maxAudioSeconds,
        keepRecordings: settings.keepRecordings,
        stopSignal: stopper.signal,
        cancelSignal: canceller.signal,
        onStarted: (recorder) => {
          this.log?.info(`Voice: recording with ${recorder.program ?? 'the recorder'} into ${recorder.file ?? this.folder}`);
          recorder.onAutoStop((reason) => {
            this.log?.info(`Voice: recording ended by itself (${reason === 'max-length' ? `${settings.maxAudioSeconds} s limit` : 'the recorder exited'})`);
            this.update({ ...this.current, phase: 'preparing' });
          });
          // A stop pressed while the recorder was starting already moved on to preparing.
          if (!stopper.signal.aborted) this.update({ ...this.current, phase: 'recording', program: recorder.program });
        },
        onProgress: ({ seconds, level }) => {
          if (this.current.phase === 'recording') this.update({ ...this.current, seconds, level });
        },
      });
      if (clip) this.log?.info(`Voice: clip of ${clip.seconds.toFixed(2)} s (${clip.tokens} tokens) from ${clip.originalSeconds.toFixed(2)} s recorded`);
      return clip;
    } finally {
      this.stopper = undefined;
      this.canceller = undefined;
      this.update(IDLE);
    }
  }

  /** Ends the recording; record() then resolves with the clip. */
  stop(): void {
    if (this.current.phase !== 'recording' && this.current.phase !== 'starting') return;
    this.stopper?.abort();
    this.update({ ...this.current, phase: 'preparing' });
  }

  /** Ends the recording and throws it away; record() resolves with undefined. */
  cancel(): void {
    this.canceller?.abort();
  }

  /** A notification for a failed record(), with the way out the error calls for. */
  async showError(err: unknown): Promise<void> {
    const message = errorText(err);
    this.log?.error(`Voice: ${message}`);
    const settingsFix = isRecorderError(err) && (err.code === 'no-recorder' || err.code === 'invalid-command' || err.code === 'exited-early');
    const actions = settingsFix ? ['Open Voice Settings', 'Show Log'] : ['Show Log'];
    // Notifications show one paragraph; the recorder's own words follow the advice.
    const text = `Gemma Agent: ${message.replace(/\s*\n\s*/g, ' ')}`;
    const expected = isRecorderError(err) || isMediaError(err);
    const picked = expected ? await vscode.window.showWarningMessage(text, ...actions) : await vscode.window.showErrorMessage(text, ...actions);
    if (picked === 'Open Voice Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.voice');
    if (picked === 'Show Log') this.log?.show();
  }

  dispose(): void {
    this.cancel();
    void vscode.commands.executeCommand('setContext', RECORDING_CONTEXT_KEY, false);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private update(status: VoiceRecordingStatus): void {
    const wasRecording = this.current.phase !== 'idle';
    this.current = status;
    const recording = status.phase !== 'idle';
    if (recording !== wasRecording) void vscode.commands.executeCommand('setContext', RECORDING_CONTEXT_KEY, recording);
    this.render(status);
    this.changed.fire(status);
  }

  private render(status: VoiceRecordingStatus): void {
    switch (status.phase) {
      case 'idle':
        this.item.hide();
        return;
      case 'starting':
        this.item.text = '$(record) Starting…';
        this.item.tooltip = 'Gemma Agent: starting the recorder. Click to stop.';
        break;
      case 'recording':
        this.item.text = `$(record) ${formatRecordingTime(status.seconds)} ${levelBar(status.level)}`;
        this.item.tooltip =
          `Gemma Agent is recording with ${status.program ?? 'the recorder'}. Click to stop and send; ` +
          `it stops by itself at ${formatRecordingTime(status.maxSeconds)}.`;
        break;
      case 'preparing':
        this.item.text = '$(loading~spin) Voice';
        this.item.tooltip = 'Gemma Agent: preparing the voice clip.';
        break;
    }
    this.item.show();
  }
}
