import type { HostMessage, WebviewMessage } from './protocol';

interface VsCodeApi<S> {
  postMessage(message: WebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** The webview's typed channel to the host; acquireVsCodeApi may only be called once. */
export function connect<S>(onMessage: (message: HostMessage) => void): VsCodeApi<S> {
  const api = acquireVsCodeApi<S>();
  window.addEventListener('message', (event: MessageEvent<HostMessage>) => onMessage(event.data));
  return api;
}
