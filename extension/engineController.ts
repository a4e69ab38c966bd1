import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineStateView } from '../webview/protocol';
import { RECOMMENDED_MODEL, readSettings } from './settings';

/**
 * Owns the engine for this window: its state as the UI shows it, and start/stop/restart.
 * Nothing starts at activation; the engine starts on the user's first request or command.
 */
export class EngineController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EngineStateView>();
  readonly onDidChangeState = this.changed.event;
  private current: EngineStateView;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.idleState();
  }

  get state(): EngineStateView {
    return this.current;
  }

  /** Settings changed: recompute the idle state unless an engine is running. */
  refresh(): void {
    if (this.current.status === 'starting' || this.current.status === 'ready') return;
    this.setState(this.idleState());
  }

  async start(): Promise<void> {
    const idle = this.idleState();
    if (idle.status === 'not-configured') {
      this.setState(idle);
      void vscode.window.showWarningMessage(`Gemma Agent has no model configured. Set "gemmaAgent.model.path" to a .gguf file or ${RECOMMENDED_MODEL}.`, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'gemmaAgent.model');
      });
      return;
    }
    this.log.info('Engine start requested');
    this.setState({ ...idle, status: 'failed', detail: 'The local engine is not available in this build yet.' });
  }

  async stop(): Promise<void> {
    this.setState(this.idleState());
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private idleState(): EngineStateView {
    const s = readSettings();
    if (s.remoteUrl) return { status: 'remote', model: s.remoteUrl };
    if (!s.modelPath) {
      return {
        status: 'not-configured',
        detail: `Choose a Gemma 4 12B model file, or download the recommended one (${RECOMMENDED_MODEL}, about 7 GB). Everything runs on this machine.`,
      };
    }
    return { status: 'stopped', model: path.basename(s.modelPath) };
  }

  private setState(state: EngineStateView): void {
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
