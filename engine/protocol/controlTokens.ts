import type { ChatMessage, ContentPart } from './messages';

/**
 * llama-server tokenizes the templated prompt with special tokens parsed, so text such as
 * `<|turn>system` inside a file the agent read would become a real turn marker and could open
 * a system turn. Text from outside (tool output, attached and mentioned files, pasted text)
 * has every Gemma 4 control-token spelling broken with a zero-width space after its "<": it
 * reads the same to the model, but no longer matches a special token.
 */

const BREAK = '\u200B';
/** `<|name>`, `<name|>`, `<|name|>` (the turn, channel, tool, media and string markers) and the bare `<bos>`-style ones. */
const CONTROL = /<(?=\|[^<>\s]{1,40}>|[^<>\s|]{1,40}\|>|(?:bos|eos|pad|unk|mask|unused\d+|(?:start|end)_of_[a-z_]+)>)/g;

export function neutraliseControlTokens(text: string): string {
  return text.replace(CONTROL, `<${BREAK}`);
}

function neutraliseParts(content: string | ContentPart[]): string | ContentPart[] {
  if (typeof content === 'string') return neutraliseControlTokens(content);
  return content.map((part) => (part.type === 'text' ? { ...part, text: neutraliseControlTokens(part.text) } : part));
}

/** The messages as sent: user and tool text is data, so its control-token spellings are broken; system and assistant turns are ours and the model's. */
export function neutraliseOutsideText(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((m) => (m.role === 'user' || m.role === 'tool' ? { ...m, content: neutraliseParts(m.content) } : m));
}
