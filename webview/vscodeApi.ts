import type { HostMessage, WebviewMessage, WebviewToHost } from './protocol';

/** Sends one typed message to the host; components get this instead of the whole API. */
export type PostToHost = <K extends keyof WebviewToHost>(type: K, payload: WebviewToHost[K]) => void;

interface VsCodeApi<S> {
  postMessage(message: WebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface HostChannel<S> {
  post: PostToHost;
  getState(): S | undefined;
  setState(state: S): void;
}

/** The webview's typed channel to the host; acquireVsCodeApi may only be called once. */
export function connect<S>(onMessage: (message: HostMessage) => void): HostChannel<S> {
  const api = acquireVsCodeApi<S>();
  window.addEventListener('message', (event: MessageEvent<HostMessage>) => onMessage(event.data));
  return {
    post: (type, payload) => api.postMessage({ type, payload } as WebviewMessage),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
