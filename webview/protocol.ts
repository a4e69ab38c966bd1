/**
 * The only contract between the chat webview and the extension host. Both sides import
 * this module; each direction is a map from message name to payload, so a message with
 * the wrong shape or an unknown name is a type error on either side. Messages from the
 * webview are also checked at run time by parseWebviewMessage: the page renders model
 * output, so the host treats everything it says as untrusted input.
 */

// ---------------------------------------------------------------------------------------
// Views: what the host shows in the page
// ---------------------------------------------------------------------------------------

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

/** Agent: the agent reads, edits and runs commands. Ask: it only reads, and answers with a plan. */
export type ChatMode = 'agent' | 'ask';

export type AttachmentKind = 'selection' | 'file' | 'image' | 'audio';

/** Something sent along with a user message: code context, a screenshot or a voice clip. */
export interface AttachmentView {
  /** Chosen by the host; the webview sends it back in `send` and `removeAttachment`. */
  id: string;
  kind: AttachmentKind;
  /** Short label: "app.ts:10-24", "app.ts", "Screenshot 1280×720", "Voice 0:07". */
  label: string;
  /** Tooltip: full path, line range, how the image was scaled. */
  detail?: string;
  /** What it costs in the model's context, shown beside the label. */
  tokens?: number;
  /** Images: a small `data:image/png|jpeg;base64,…` thumbnail. */
  thumbnail?: string;
  /** Audio: a `data:audio/wav;base64,…` (or mpeg/ogg/webm) clip to play back. */
  audio?: string;
  /** Audio: length in seconds. */
  seconds?: number;
}

/** Mirrors agent/ ApprovalCategory so a card can be built straight from an approval request. */
export type ToolCategory = 'read' | 'edit' | 'command';

export type ToolCallState = 'pending-approval' | 'approved' | 'denied' | 'running' | 'done' | 'failed';

/** One tool call of an assistant turn, shown as a card under that turn's text. */
export interface ToolCallView {
  /** The call id; Approve/Deny/View diff send it back. */
  id: string;
  /** The assistant message (turn) that made the call. */
  messageId: string;
  /** Tool name as the model called it: "run_command", "edit_file". */
  name: string;
  /** One line for the user: "Run npm test", "Edit src/parser.ts". */
  title: string;
  category?: ToolCategory;
  state: ToolCallState;
  /** The command line (command), the unified diff (edit) or plain text (anything else). */
  detail?: string;
  /** Workspace-relative path an edit touches; with category 'edit' the card offers View diff. */
  path?: string;
  /** Why it failed or was denied, or a one-line result ("exit 0", "3 matches"). */
  result?: string;
  /** While it waits for approval: why it asks ("npm runs the scripts this file defines, ..."). */
  why?: string;
  /** Output so far (its last part): the host keeps it in the saved card, so a restored card shows it; live output comes through `toolOutput`. */
  output?: string;
}

/** Figures of one reply, shown as a quiet line under it. */
export interface ReplyStats {
  outputTokens?: number;
  tokensPerSecond?: number;
  /** Share of drafted tokens accepted, 0..1; absent without a drafter. */
  draftAcceptance?: number;
  /** Tokens in the context after this reply, and the context size. */
  contextUsed?: number;
  contextSize?: number;
}

export interface ChatMessageView {
  id: string;
  role: ChatRole;
  /** Markdown for the assistant, plain text for the user and errors. */
  text: string;
  /** The model's thinking before the answer (assistant only), shown collapsed. */
  reasoning?: string;
  attachments?: AttachmentView[];
  toolCalls?: ToolCallView[];
  stats?: ReplyStats;
  /** The project rules files the reply followed ("AGENTS.md", "src/CLAUDE.md (cut)"), shown as a quiet line under it. */
  rules?: string[];
  /** Errors: show Retry, which sends `retry` with this message's id. */
  retryable?: boolean;
  /** An assistant reply the user stopped before it finished: kept as far as it got, and marked. */
  stopped?: boolean;
  /** User messages: the checkpoint of the workspace taken before this message ran, for "Restore". */
  checkpoint?: string;
  /** User messages: where this message starts in the model's history, so it can be edited or run again. */
  historyIndex?: number;
  /** 'ask': a reply of Ask mode (read-only, a plan); once finished it offers "Run in Agent mode". */
  mode?: ChatMode;
}

export type RecordingState = 'idle' | 'starting' | 'recording' | 'processing';

export interface RecordingView {
  state: RecordingState;
  /** Seconds recorded so far. */
  seconds?: number;
  /** Input level 0..1 for the meter. */
  level?: number;
  /** The longest clip the host will take. */
  maxSeconds?: number;
}

export interface ChatSummary {
  id: string;
  title: string;
  /** Last change, milliseconds since the epoch. */
  updated: number;
  messageCount?: number;
}

export type NoticeLevel = 'info' | 'warning' | 'error';

// ---------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------

export interface HostToWebview {
  /** Engine panel: loading, ready, failed, first-run guidance. */
  engineState: EngineStateView;
  /** Replaces the whole page state; the answer to `ready`, `loadChat` and `newChat`. */
  restore: {
    messages: ChatMessageView[];
    /** Attachments waiting to be sent with the next message. */
    attachments?: AttachmentView[];
    busy?: boolean;
    /** The chat shown, so the history list can mark it. */
    chatId?: string;
  };
  /** Adds a message at the end; a known id replaces that message in place instead. */
  appendMessage: ChatMessageView;
  /** Streams answer text (markdown) into an assistant message. */
  appendDelta: { id: string; delta: string };
  /** Streams thinking text into an assistant message. */
  reasoningDelta: { id: string; delta: string };
  /** The message is complete: final render, code highlighted, thinking collapsed; `stopped` marks a reply cut short by Stop. */
  endMessage: { id: string; stopped?: boolean };
  /** Drops a message (an error that a retry replaces). */
  removeMessage: { id: string };
  /** Creates the card with this id, or updates it (state, result, detail) if it exists. */
  toolCall: ToolCallView;
  /** Appends command output to a card; the page keeps only the last part of long output. */
  toolOutput: { id: string; chunk: string };
  /** Speed, drafting and context figures of a finished reply. */
  stats: { id: string; stats: ReplyStats };
  /** The project rules files a reply follows, when a step brought in more after it appeared. */
  rules: { id: string; rules: string[] };
  /** While the engine reads a long prompt: a line in the reply that goes once text arrives. */
  replyProgress: { id: string; text: string };
  /** True while a reply streams: the view swaps Send for Stop. */
  busy: { busy: boolean };
  /** Empties the conversation (new chat). */
  clear: Record<string, never>;
  /** A pending attachment was prepared (selection, file, image, voice clip). */
  attachmentAdded: AttachmentView;
  /** Microphone state, pushed a few times a second while recording. */
  recording: RecordingView;
  /** Matches for an `@` mention; stale answers (older requestId) are ignored. */
  fileSuggestions: { requestId: number; paths: string[] };
  /** Past chats, newest first. */
  history: { chats: ChatSummary[]; currentId?: string };
  /** A line in the message area above the input ("No recorder found…"); empty text hides it. */
  notice: { level: NoticeLevel; text: string };
  /** Puts the cursor in the input box: sent by the Open Chat command after it shows the view. */
  focusInput: Record<string, never>;
}

// ---------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------

/** Actions the webview may ask for; the host decides what each does. */
export type HostAction = 'openSettings' | 'openLog' | 'startEngine' | 'downloadRecommended' | 'chooseModel';

export type PastedImageMime = 'image/png' | 'image/jpeg';

export interface WebviewToHost {
  /** The page (re)loaded: send engineState and restore. */
  ready: Record<string, never>;
  /** A user message with the pending attachments and the files picked with `@`; `mode` defaults to agent. */
  send: { text: string; attachmentIds: string[]; mentions: string[]; mode?: ChatMode };
  /** Carry out the plan of an Ask-mode reply in Agent mode. */
  runPlan: { messageId: string };
  /** Put the workspace back as it was before this user message (asks first, with the diff). */
  restoreCheckpoint: { messageId: string };
  /** Run the user message behind this reply again (what came after it is dropped). */
  regenerate: { messageId: string };
  /** Send a changed version of an earlier user message in its place (what came after it is dropped). */
  editMessage: { messageId: string; text: string };
  /** Stop the streaming reply or the running agent. */
  stop: Record<string, never>;
  /** The user approved a pending tool call. */
  approve: { callId: string };
  /** The user denied a pending tool call. */
  deny: { callId: string; reason?: string };
  /** Open the VS Code diff editor for an edit call. */
  viewDiff: { callId: string };
  /** Copy text through the host: the page's clipboard API was not available. */
  copy: { text: string };
  /** Insert a code block at the cursor of the active editor. */
  insertCode: { code: string; language: string };
  /** Apply a code block to a file (the hint comes from the fence, e.g. ```ts src/app.ts). */
  applyCode: { code: string; language: string; pathHint?: string };
  /** A link in a reply was clicked: open it outside the page (http/https/mailto or a workspace path). */
  openLink: { href: string };
  /** Attach the active editor's selection. */
  attachSelection: Record<string, never>;
  /** Attach the active editor's file. */
  attachFile: Record<string, never>;
  /** Open a file dialog for an image to attach. */
  pickImage: Record<string, never>;
  /** A pasted or dropped screenshot, base64 without the data: prefix. */
  pasteImage: { mime: PastedImageMime; base64: string; name?: string };
  /** Drop a pending attachment. */
  removeAttachment: { id: string };
  /** Open an attachment (a file or selection in the editor). */
  openAttachment: { id: string };
  /** Start recording the microphone. */
  startRecording: Record<string, never>;
  /** Stop recording; cancel discards the clip instead of attaching it. */
  stopRecording: { cancel: boolean };
  /** Workspace paths matching what follows an `@`; answered with fileSuggestions. */
  suggestFiles: { requestId: number; query: string };
  /** Start an empty chat (the current one goes to the history). */
  newChat: Record<string, never>;
  /** Show a past chat; answered with restore. */
  loadChat: { id: string };
  /** Forget a past chat; answered with history. */
  deleteChat: { id: string };
  /** The history list was opened; answered with history. */
  listChats: Record<string, never>;
  /** Run the turn that failed again (the id is the error message's). */
  retry: { messageId: string };
  /** Engine panel buttons. */
  action: { action: HostAction };
}

export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];
export type HostMessage = Envelope<HostToWebview>;
export type WebviewMessage = Envelope<WebviewToHost>;

// ---------------------------------------------------------------------------------------
// Run-time validation of webview → host messages
// ---------------------------------------------------------------------------------------

/** Largest image the page may send, decoded; the webview checks it before reading the file. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** The same limit as base64 characters. */
export const MAX_IMAGE_BASE64 = Math.ceil(MAX_IMAGE_BYTES / 3) * 4;
/** Longest message text; far beyond a 16k-token context, small enough to bound host work. */
export const MAX_TEXT = 200_000;
/** Longest code block sent to Insert / Apply / Copy. */
export const MAX_CODE = 2_000_000;
export const MAX_LIST = 64;

const hostActions: ReadonlySet<string> = new Set<HostAction>(['openSettings', 'openLog', 'startEngine', 'downloadRecommended', 'chooseModel']);
const imageMagic: Record<PastedImageMime, string> = {
  // The first bytes of each format, base64-encoded: the host must not be told a GIF is a PNG.
  'image/png': 'iVBORw0KGgo',
  'image/jpeg': '/9j/',
};

type Fields = Record<string, unknown>;
type Validator<T> = (p: Fields) => T | undefined;

const empty = (): Record<string, never> => ({});

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** Ids are chosen by the host; anything else is printable ASCII of bounded length. */
function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,256}$/.test(value);
}

function isOptional<T>(value: unknown, check: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || check(value);
}

function stringList(value: unknown, each: (v: unknown) => v is string): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_LIST) return undefined;
  return value.every(each) ? [...value] : undefined;
}

const isPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1024 && !/[\0\r\n]/.test(v);
const isLanguage = (v: unknown): v is string => typeof v === 'string' && /^[\w#+.-]{0,64}$/.test(v);
const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function byId<K extends string>(key: K): Validator<Record<K, string>> {
  return (p) => (isId(p[key]) ? ({ [key]: p[key] } as Record<K, string>) : undefined);
}

function isImage(mime: unknown, base64: unknown): boolean {
  if (mime !== 'image/png' && mime !== 'image/jpeg') return false;
  if (typeof base64 !== 'string' || base64.length === 0 || base64.length > MAX_IMAGE_BASE64 || base64.length % 4 !== 0) return false;
  return base64.startsWith(imageMagic[mime]) && /^[A-Za-z0-9+/]+={0,2}$/.test(base64);
}

/** One validator per message; the mapped type makes forgetting a new message a compile error. */
const validators: { [K in keyof WebviewToHost]: Validator<WebviewToHost[K]> } = {
  ready: empty,
  send: (p) => {
    const attachmentIds = p.attachmentIds === undefined ? [] : stringList(p.attachmentIds, isId);
    const mentions = p.mentions === undefined ? [] : stringList(p.mentions, isPath);
    if (!text(p.text, MAX_TEXT) || !attachmentIds || !mentions) return undefined;
    // Something must be sent: words, or at least one attachment (a voice clip alone is a request).
    if (p.text.trim() === '' && attachmentIds.length === 0) return undefined;
    if (p.mode !== undefined && p.mode !== 'agent' && p.mode !== 'ask') return undefined;
    return p.mode === undefined ? { text: p.text, attachmentIds, mentions } : { text: p.text, attachmentIds, mentions, mode: p.mode };
  },
  stop: empty,
  approve: byId('callId'),
  deny: (p) => {
    if (!isId(p.callId) || !isOptional(p.reason, (v): v is string => text(v, 2000))) return undefined;
    return p.reason === undefined ? { callId: p.callId } : { callId: p.callId, reason: p.reason };
  },
  viewDiff: byId('callId'),
  copy: (p) => (text(p.text, MAX_CODE) ? { text: p.text } : undefined),
  insertCode: (p) => (text(p.code, MAX_CODE) && isLanguage(p.language) ? { code: p.code, language: p.language } : undefined),
  applyCode: (p) => {
    if (!text(p.code, MAX_CODE) || !isLanguage(p.language) || !isOptional(p.pathHint, isPath)) return undefined;
    return p.pathHint === undefined ? { code: p.code, language: p.language } : { code: p.code, language: p.language, pathHint: p.pathHint };
  },
  openLink: (p) => (typeof p.href === 'string' && p.href.length > 0 && p.href.length <= 8192 ? { href: p.href } : undefined),
  attachSelection: empty,
  attachFile: empty,
  pickImage: empty,
  pasteImage: (p) => {
    if (!isImage(p.mime, p.base64) || !isOptional(p.name, (v): v is string => text(v, 256))) return undefined;
    const image = { mime: p.mime as PastedImageMime, base64: p.base64 as string };
    return p.name === undefined ? image : { ...image, name: p.name };
  },
  removeAttachment: byId('id'),
  openAttachment: byId('id'),
  startRecording: empty,
  stopRecording: (p) => (p.cancel === undefined || typeof p.cancel === 'boolean' ? { cancel: p.cancel === true } : undefined),
  suggestFiles: (p) => (isRequestId(p.requestId) && text(p.query, 512) ? { requestId: p.requestId, query: p.query } : undefined),
  newChat: empty,
  loadChat: byId('id'),
  deleteChat: byId('id'),
  listChats: empty,
  retry: byId('messageId'),
  runPlan: byId('messageId'),
  restoreCheckpoint: byId('messageId'),
  regenerate: byId('messageId'),
  editMessage: (p) => (isId(p.messageId) && text(p.text, MAX_TEXT) && p.text.trim() !== '' ? { messageId: p.messageId, text: p.text } : undefined),
  action: (p) => (typeof p.action === 'string' && hostActions.has(p.action) ? { action: p.action as HostAction } : undefined),
};

/**
 * Checks a message from the webview and returns a fresh copy holding only the known
 * fields, or undefined for anything unknown, malformed or oversized.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { type, payload } = raw as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(validators, type)) return undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const name = type as keyof WebviewToHost;
  const checked = (validators[name] as Validator<unknown>)(payload as Fields);
  return checked === undefined ? undefined : ({ type: name, payload: checked } as WebviewMessage);
}
