// Reading what the engine client streams and what the agent sends.
import type { ChatEvent } from '../../engine/client';
import type { ChatMessage } from '../../engine/protocol';

/** Every event of a stream, in order. */
export async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The text (or reasoning) deltas of the events, joined. */
export function joined(events: ChatEvent[], type: 'text' | 'reasoning'): string {
  return events.map((event) => (event.type === type ? event.delta : '')).join('');
}

/** The URLs of the images in the user messages, in order. */
export function imageUrls(messages: ChatMessage[]): string[] {
  const urls: string[] = [];
  for (const m of messages) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const part of m.content) if (part.type === 'image_url') urls.push(part.image_url.url);
  }
  return urls;
}
