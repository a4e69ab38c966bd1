/** Something to call to stop listening; shaped like vscode.Disposable so both fit. */
export interface Unsubscribe {
  dispose(): void;
}

/** A typed event for Node-only code, which cannot use vscode.EventEmitter. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly subscribe = (listener: (value: T) => void): Unsubscribe => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      // One failing listener (a closed webview) must not stop the others or the recorder.
      try {
        listener(value);
      } catch {
        /* ignored */
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
