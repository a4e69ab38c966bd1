import type { ChatMessage, ContentPart, ToolDefinition } from '../../engine/protocol';

/**
 * A cheap, deliberately high token estimate for when the engine's own count is not at hand.
 * Gemma's tokenizer averages about 4 characters per token on prose and 3.5 on code; 3 keeps
 * a margin so the estimate errs towards compacting early rather than overflowing.
 */
const CHARS_PER_TOKEN = 3;
/** Turn markers and role names the chat template adds around each message. */
const PER_MESSAGE_OVERHEAD = 8;
/** What an image costs at the default budget (48x48 px per token, see engine/media). */
const IMAGE_TOKENS = 282;
/** Audio: 25 tokens per second of 16 kHz 16-bit mono. */
const AUDIO_TOKENS_PER_BASE64_CHAR = (3 / 4 / 32_000) * 25;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function estimatePartTokens(part: ContentPart): number {
  switch (part.type) {
    case 'text':
      return estimateTextTokens(part.text);
    case 'image_url':
      return IMAGE_TOKENS;
    case 'input_audio':
      return Math.ceil(part.input_audio.data.length * AUDIO_TOKENS_PER_BASE64_CHAR);
  }
}

export function estimateMessageTokens(message: ChatMessage): number {
  let tokens = PER_MESSAGE_OVERHEAD;
  const content = message.content;
  if (typeof content === 'string') tokens += estimateTextTokens(content);
  else if (Array.isArray(content)) for (const part of content) tokens += estimatePartTokens(part);
  if (message.role === 'assistant') {
    if (message.reasoning_content) tokens += estimateTextTokens(message.reasoning_content);
    for (const call of message.tool_calls ?? []) tokens += PER_MESSAGE_OVERHEAD + estimateTextTokens(call.function.name + call.function.arguments);
  }
  return tokens;
}

export function estimateToolsTokens(tools: readonly ToolDefinition[]): number {
  return tools.length === 0 ? 0 : estimateTextTokens(JSON.stringify(tools));
}

export function estimateConversationTokens(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] = []): number {
  return messages.reduce((sum, message) => sum + estimateMessageTokens(message), estimateToolsTokens(tools));
}
