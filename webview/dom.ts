/** Creates an element; text goes in as textContent, so nothing passed here is ever parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A plain button that never submits a form. */
export function button(className: string, label: string, onClick: (event: MouseEvent) => void): HTMLButtonElement {
  const node = el('button', className, label);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

/** True when the element is scrolled to (or within a few pixels of) its end. */
export function isAtBottom(scroller: HTMLElement, slack = 24): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= slack;
}

/** "0:07", "1:30". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** "950", "3.2k", "16k": token counts at a glance. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.round(tokens));
  const k = tokens / 1000;
  return `${k >= 10 || Number.isInteger(k) ? Math.round(k) : k.toFixed(1)}k`;
}

/**
 * Only data: URLs of the expected media type reach an src attribute; the host builds them,
 * but a wrong one would otherwise load whatever it names.
 */
export function safeDataUrl(value: string | undefined, kind: 'image' | 'audio'): string | undefined {
  if (!value) return undefined;
  const pattern = kind === 'image' ? /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/ : /^data:audio\/(wav|x-wav|wave|mpeg|ogg|webm);base64,[A-Za-z0-9+/]+={0,2}$/;
  return pattern.test(value) ? value : undefined;
}
