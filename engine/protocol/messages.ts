import type { ToolCall } from './tools';

/** Plain text inside a multi-part message. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image sent inline. llama-server also accepts http(s) and file:// URLs, but the
 * engine runs offline and without --media-path, so only `data:image/...;base64,` URLs work.
 */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string };
}

/** Formats llama-server sniffs from the bytes; the field itself is not checked. */
export type AudioFormat = 'wav' | 'mp3' | 'flac';

/** Audio sent inline as base64 without a data: prefix (16 kHz mono WAV is what the recorder makes). */
export interface AudioPart {
  type: 'input_audio';
  input_audio: { data: string; format: AudioFormat };
}

export type ContentPart = TextPart | ImagePart | AudioPart;

export interface SystemMessage {
  role: 'system';
  content: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  /** null when the turn only called tools. */
  content: string | null;
  /** The thinking text; sent back only when the chat template should see earlier thoughts. */
  reasoning_content?: string;
  tool_calls?: ToolCall[];
}

export interface ToolMessage {
  role: 'tool';
  /** The `id` of the assistant's call this answers. */
  tool_call_id: string;
  /** Repeats the tool's name for templates that render it beside the result. */
  name?: string;
  content: string | ContentPart[];
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export type ChatRole = ChatMessage['role'];
