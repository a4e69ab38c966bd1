/** One dispatched server-sent event; `data` lines are joined with '\n' as the spec says. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Incremental parser for text/event-stream (WHATWG HTML, "Parsing an event stream").
 * Bytes may arrive split anywhere, including inside a UTF-8 sequence or between the
 * '\r' and '\n' of a line ending. Comment lines (keepalives such as llama-server's ":")
 * produce no event.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private skipLeadingNewline = false;
  private started = false;
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private lastId: string | undefined;

  /** Feeds bytes and returns the events they complete. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.pushText(this.decoder.decode(bytes, { stream: true }));
  }

  /** Ends the stream; an event without its terminating blank line is dropped, as the spec requires. */
  end(): SseEvent[] {
    const events = this.pushText(this.decoder.decode());
    this.buffer = '';
    this.dataLines = [];
    this.eventName = undefined;
    return events;
  }

  private pushText(text: string): SseEvent[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingNewline && text.startsWith('\n')) text = text.slice(1);
    if (text.length > 0) this.skipLeadingNewline = false;
    this.buffer += text;

    const events: SseEvent[] = [];
    let lineStart = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer.charCodeAt(i);
      if (char !== 0x0a && char !== 0x0d) continue;
      const line = this.buffer.slice(lineStart, i);
      if (char === 0x0d) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 0x0a) i++;
        } else {
          // The '\n' of a "\r\n" may come in the next chunk.
          this.skipLeadingNewline = true;
        }
      }
      lineStart = i + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(lineStart);
    return events;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // 'retry' and unknown fields do not matter to a client that never reconnects.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const dataLines = this.dataLines;
    const eventName = this.eventName;
    this.dataLines = [];
    this.eventName = undefined;
    if (dataLines.length === 0) return undefined;
    const event: SseEvent = { data: dataLines.join('\n') };
    if (eventName) event.event = eventName;
    if (this.lastId !== undefined) event.id = this.lastId;
    return event;
  }
}
