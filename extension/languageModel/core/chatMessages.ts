import type { AssistantMessage, ChatMessage, ContentPart, JsonSchema, ToolCall, ToolDefinition } from '../../../engine/protocol';

/**
 * The parts of a VS Code chat message, as plain shapes so the conversion needs no `vscode`:
 * the provider maps LanguageModelTextPart, LanguageModelToolCallPart, LanguageModelToolResultPart
 * and LanguageModelDataPart onto these (they have the same fields).
 */
export type LmPart =
  | { kind: 'text'; value: string }
  | { kind: 'tool-call'; callId: string; name: string; input: object }
  | { kind: 'tool-result'; callId: string; content: LmPart[] }
  | { kind: 'data'; mimeType: string; data: Uint8Array }
  | { kind: 'other' };

export type LmRole = 'user' | 'assistant' | 'system';

export interface LmMessage {
  role: LmRole;
  content: LmPart[];
}

/** A tool the caller offers with its request (LanguageModelChatTool). */
export interface LmTool {
  name: string;
  description: string;
  inputSchema?: object;
}

export interface ConversionOptions {
  /** Images go to the engine only when it has a vision projector; otherwise a note says one was left out. */
  vision: boolean;
}

const IMAGE_MIME = /^image\/(png|jpe?g|gif|webp|bmp)$/i;
const TEXT_MIME = /^(text\/|application\/(json|xml|javascript)|.*\+json$)/i;

function base64(data: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(binary);
}

function dataText(part: { mimeType: string; data: Uint8Array }): string | undefined {
  return TEXT_MIME.test(part.mimeType) ? new TextDecoder().decode(part.data) : undefined;
}

/** User-side content parts: text joins, images become data URLs (or a note without vision). */
function contentParts(parts: readonly LmPart[], options: ConversionOptions): ContentPart[] {
  const out: ContentPart[] = [];
  const pushText = (text: string): void => {
    if (text === '') return;
    const last = out.at(-1);
    if (last?.type === 'text') last.text += text;
    else out.push({ type: 'text', text });
  };
  for (const part of parts) {
    if (part.kind === 'text') pushText(part.value);
    else if (part.kind === 'data') {
      if (IMAGE_MIME.test(part.mimeType)) {
        if (options.vision) out.push({ type: 'image_url', image_url: { url: `data:${part.mimeType.toLowerCase()};base64,${base64(part.data)}` } });
        else pushText('[An image was attached, but this engine has no vision projector loaded.]');
      } else {
        const text = dataText(part);
        if (text !== undefined) pushText(text);
      }
    }
  }
  return out;
}

/** Plain text or a multi-part list, whichever the content needs (plain text keeps templates simple). */
function compact(parts: ContentPart[]): string | ContentPart[] {
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0].type === 'text') return parts[0].text;
  return parts;
}

/** A tool result as the engine takes it: its text parts joined (images are left to the user turn). */
export function toolResultText(parts: readonly LmPart[]): string {
  return parts
    .map((part) => (part.kind === 'text' ? part.value : part.kind === 'data' ? (dataText(part) ?? '') : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * VS Code's chat messages in the engine's OpenAI shape. A VS Code user message can hold tool
 * results beside text; OpenAI wants each result as its own `tool` message right after the
 * assistant's calls, so results come first, then whatever text the user message also had.
 */
export function toEngineMessages(messages: readonly LmMessage[], options: ConversionOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'assistant') {
      const text = message.content.map((p) => (p.kind === 'text' ? p.value : '')).join('');
      const calls: ToolCall[] = message.content.flatMap((p) =>
        p.kind === 'tool-call' ? [{ id: p.callId, type: 'function' as const, function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) } }] : [],
      );
      for (const call of calls) names.set(call.id, call.function.name);
      const assistant: AssistantMessage = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
      if (calls.length > 0) assistant.tool_calls = calls;
      out.push(assistant);
      continue;
    }
    if (message.role === 'system') {
      const text = toolResultText(message.content);
      // Gemma's template takes one system message, first; later ones go in as user text.
      if (out.length === 0 || out.every((m) => m.role === 'system')) {
        const first = out[0];
        if (first?.role === 'system') first.content += `\n\n${text}`;
        else out.push({ role: 'system', content: text });
      } else out.push({ role: 'user', content: text });
      continue;
    }
    for (const part of message.content) {
      if (part.kind !== 'tool-result') continue;
      const name = names.get(part.callId);
      out.push({ role: 'tool', tool_call_id: part.callId, ...(name ? { name } : {}), content: toolResultText(part.content) });
    }
    const rest = contentParts(message.content.filter((p) => p.kind !== 'tool-result'), options);
    const hadResults = message.content.some((p) => p.kind === 'tool-result');
    if (rest.length > 0 || !hadResults) out.push({ role: 'user', content: compact(rest) });
  }
  return out;
}

/** The tools a caller offers, as OpenAI function definitions. */
export function toEngineTools(tools: readonly LmTool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: toolParameters(tool.inputSchema),
    },
  }));
}

/** A tool's input schema; a tool with none takes an empty object. */
export function toolParameters(schema: object | undefined): JsonSchema {
  if (schema && typeof schema === 'object' && !Array.isArray(schema)) {
    const s = schema as JsonSchema;
    return s.type === undefined ? { type: 'object', ...s } : s;
  }
  return { type: 'object', properties: {} };
}

/** The arguments the model wrote, as the object a LanguageModelToolCallPart carries. */
export function parseToolInput(text: string): object {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as object) : { value };
  } catch {
    return { arguments: text };
  }
}

/** A text of a message for counting tokens without a tokenizer round trip per part. */
export function messageText(message: LmMessage): string {
  return message.content
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.value;
        case 'tool-call':
          return `${part.name} ${JSON.stringify(part.input)}`;
        case 'tool-result':
          return toolResultText(part.content);
        default:
          return '';
      }
    })
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * One part of a VS Code message or tool result, read by its fields (the classes may come from
 * another extension's copy of the API, so `instanceof` is not relied on).
 */
export function toLmPart(part: unknown): LmPart {
  if (!isRecord(part)) return { kind: 'other' };
  if (typeof part.callId === 'string' && typeof part.name === 'string' && 'input' in part) {
    return { kind: 'tool-call', callId: part.callId, name: part.name, input: isRecord(part.input) ? part.input : {} };
  }
  if (typeof part.callId === 'string' && Array.isArray(part.content)) {
    return { kind: 'tool-result', callId: part.callId, content: part.content.map(toLmPart) };
  }
  if (typeof part.mimeType === 'string' && part.data instanceof Uint8Array) return { kind: 'data', mimeType: part.mimeType, data: part.data };
  if (typeof part.value === 'string') return { kind: 'text', value: part.value };
  return { kind: 'other' };
}
