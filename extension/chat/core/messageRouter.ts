import type { HostMessage, HostToWebview, WebviewMessage, WebviewToHost } from '../../../webview/protocol';

/** One handler per message the page can send: a message without one is a compile error. */
export type WebviewHandlers = { [K in keyof WebviewToHost]: (payload: WebviewToHost[K]) => void | Promise<void> };

/**
 * The one owner of a webview's traffic: every message from the page goes to its handler in
 * the table, and every post to the page goes through `post`. Before a page exists, posts
 * are dropped; the page asks for everything with `ready` when it loads.
 */
export class MessageRouter {
  private handlers: WebviewHandlers | undefined;
  private sink: ((message: HostMessage) => void) | undefined;

  constructor(private readonly onError: (type: string, error: unknown) => void) {}

  /** The handler table; set once, by the controller that owns the view's behaviour. */
  handle(handlers: WebviewHandlers): void {
    this.handlers = handlers;
  }

  /** Where posts go: the live page, or nowhere (undefined) while none is shown. */
  attach(sink: ((message: HostMessage) => void) | undefined): void {
    this.sink = sink;
  }

  post<K extends keyof HostToWebview>(type: K, payload: HostToWebview[K]): void {
    this.sink?.({ type, payload } as HostMessage);
  }

  /** Runs the handler of an already validated message; a failure is reported, never thrown into the view. */
  async dispatch(message: WebviewMessage): Promise<void> {
    const handler = this.handlers?.[message.type] as ((payload: unknown) => void | Promise<void>) | undefined;
    if (!handler) return;
    try {
      await handler(message.payload);
    } catch (error) {
      this.onError(message.type, error);
    }
  }
}
