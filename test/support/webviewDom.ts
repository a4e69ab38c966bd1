import { JSDOM } from 'jsdom';
import type { WebviewMessage } from '../../webview/protocol';
import type { PostToHost } from '../../webview/vscodeApi';

/** The browser globals webview/ code reaches for, taken from one jsdom window. */
const names = ['window', 'document', 'Node', 'Element', 'HTMLElement', 'Text', 'Event', 'KeyboardEvent', 'MouseEvent', 'CustomEvent', 'FileReader', 'DataTransfer'] as const;

export interface TestDom {
  window: JSDOM['window'];
  document: Document;
  /** Removes the globals again so other test files see a plain Node. */
  restore(): void;
}

/**
 * Installs a jsdom window as the global browser environment for webview unit tests.
 * Call it in `before` and `restore()` in `after`: modules under webview/ touch `document`
 * only when called, never when imported, so importing them first is fine.
 */
export function installDom(html = '<!DOCTYPE html><html><body><main id="app"></main></body></html>'): TestDom {
  const dom = new JSDOM(html, { url: 'https://webview.test/', pretendToBeVisual: false });
  const globals = globalThis as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of names) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    const value = name === 'window' ? dom.window : (dom.window as unknown as Record<string, unknown>)[name];
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  return {
    window: dom.window,
    document: dom.window.document,
    restore() {
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(globalThis, name, descriptor);
        else delete globals[name];
      }
      dom.window.close();
    },
  };
}

/** A frame scheduler the test runs by hand, to check what happens per frame. */
export class ManualFrames {
  private queue: (() => void)[] = [];
  requests = 0;

  readonly schedule = (callback: () => void): void => {
    this.requests += 1;
    this.queue.push(callback);
  };

  get pending(): number {
    return this.queue.length;
  }

  run(): void {
    const due = this.queue;
    this.queue = [];
    for (const callback of due) callback();
  }
}

/** Records what the page posts to the host. */
export function recordPosts(): { posts: WebviewMessage[]; post: PostToHost } {
  const posts: WebviewMessage[] = [];
  return { posts, post: (type, payload) => void posts.push({ type, payload } as WebviewMessage) };
}
