import { el } from './dom';
import type { AttachmentView } from './protocol';
import { createAttachmentChip } from './render/attachmentChip';
import type { PostToHost } from './vscodeApi';

/**
 * Attachments waiting to go with the next message. The host owns them (it prepared the
 * image, clip or snippet); the page shows them and sends their ids with `send`.
 */
export class AttachmentStrip {
  readonly element: HTMLElement;
  private readonly items = new Map<string, HTMLElement>();

  constructor(
    private readonly post: PostToHost,
    private readonly focusInput: () => void,
  ) {
    this.element = el('div', 'attachments');
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Attachments to send');
    this.element.hidden = true;
  }

  get ids(): string[] {
    return [...this.items.keys()];
  }

  set(views: AttachmentView[]): void {
    this.clear();
    for (const view of views) this.add(view);
  }

  /** A known id is replaced (the host may send a better thumbnail or token count). */
  add(view: AttachmentView): void {
    const chip = createAttachmentChip(view, {
      onRemove: (id) => this.userRemove(id),
      onOpen: (id) => this.post('openAttachment', { id }),
    });
    const previous = this.items.get(view.id);
    if (previous) previous.replaceWith(chip);
    else this.element.append(chip);
    this.items.set(view.id, chip);
    this.element.hidden = false;
  }

  remove(id: string): void {
    this.items.get(id)?.remove();
    this.items.delete(id);
    this.element.hidden = this.items.size === 0;
  }

  clear(): void {
    this.element.replaceChildren();
    this.items.clear();
    this.element.hidden = true;
  }

  private userRemove(id: string): void {
    // Keep the keyboard where it was: on the next chip's remove button, else the input.
    const chips = [...this.items.values()];
    const index = chips.indexOf(this.items.get(id) as HTMLElement);
    const next = chips[index + 1] ?? chips[index - 1];
    this.remove(id);
    this.post('removeAttachment', { id });
    const target = next?.querySelector<HTMLElement>('.attachment-remove');
    if (target) target.focus();
    else this.focusInput();
  }
}
