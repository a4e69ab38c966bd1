/**
 * The only contract between the chat webview and the extension host. Both sides import
 * this module; each direction is a map from message name to payload, so a message with
 * the wrong shape or an unknown name is a type error on either side.
 */

export type EngineStatus = 'not-configured' | 'stopped' | 'starting' | 'ready' | 'failed' | 'remote';

export interface EngineStateView {
  status: EngineStatus;
  /** Model file name or remote URL, when known. */
  model?: string;
  /** One line for the user: load progress, the failure reason, or first-run guidance. */
  detail?: string;
  /** 0..1 while loading or downloading. */
  progress?: number;
}

export type ChatRole = 'user' | 'assistant' | 'error';

export interface ChatMessageView {
  id: string;
  role: ChatRole;
  text: string;
}

export interface HostToWebview {
  engineState: EngineStateView;
  restore: { messages: ChatMessageView[] };
  appendMessage: ChatMessageView;
  appendDelta: { id: string; delta: string };
  endMessage: { id: string };
  /** True while a reply streams: the view swaps Send for Stop. */
  busy: { busy: boolean };
  clear: Record<string, never>;
}

/** Actions the webview may ask for; the host decides what each does. */
export type HostAction = 'openSettings' | 'openLog' | 'startEngine' | 'downloadRecommended';

export interface WebviewToHost {
  ready: Record<string, never>;
  send: { text: string };
  stop: Record<string, never>;
  action: { action: HostAction };
}

export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];
export type HostMessage = Envelope<HostToWebview>;
export type WebviewMessage = Envelope<WebviewToHost>;

const webviewTypes: ReadonlySet<string> = new Set<keyof WebviewToHost>(['ready', 'send', 'stop', 'action']);
const actions: ReadonlySet<string> = new Set<HostAction>(['openSettings', 'openLog', 'startEngine', 'downloadRecommended']);

/**
 * Webview messages cross a trust boundary (the page renders model output), so the host
 * checks their shape instead of trusting the static type.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { type, payload } = raw as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !webviewTypes.has(type)) return undefined;
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'send':
      return typeof p.text === 'string' && p.text.trim() !== '' ? { type, payload: { text: p.text } } : undefined;
    case 'action':
      return typeof p.action === 'string' && actions.has(p.action) ? { type, payload: { action: p.action as HostAction } } : undefined;
    case 'ready':
    case 'stop':
      return { type, payload: {} };
  }
  return undefined;
}
