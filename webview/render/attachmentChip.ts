import { el, formatDuration, formatTokens, safeDataUrl } from '../dom';
import { icon, iconButton, type IconName } from '../icons';
import type { AttachmentKind, AttachmentView } from '../protocol';

const kindIcons: Record<AttachmentKind, IconName> = { selection: 'selection', file: 'file', image: 'image', audio: 'mic' };

export interface ChipActions {
  /** Pending attachments can be removed; sent ones cannot. */
  onRemove?: (id: string) => void;
  /** Files and selections open in the editor. */
  onOpen?: (id: string) => void;
}

/** One attachment: a thumbnail, a player, or an icon, with its label and token cost. */
export function createAttachmentChip(view: AttachmentView, actions: ChipActions = {}): HTMLElement {
  const chip = el('div', `attachment attachment-${view.kind}`);
  chip.dataset.attachmentId = view.id;
  const thumbnail = view.kind === 'image' ? safeDataUrl(view.thumbnail, 'image') : undefined;
  if (thumbnail) {
    const img = el('img', 'attachment-thumbnail');
    img.src = thumbnail;
    img.alt = view.label;
    chip.append(img);
  } else {
    chip.append(icon(kindIcons[view.kind]));
  }

  const label = el('span', 'attachment-label', view.label);
  if (view.detail) chip.title = view.detail;
  if (actions.onOpen && (view.kind === 'file' || view.kind === 'selection')) {
    const open = el('button', 'attachment-open');
    open.type = 'button';
    open.append(label);
    open.setAttribute('aria-label', `Open ${view.label}`);
    open.addEventListener('click', () => actions.onOpen?.(view.id));
    chip.append(open);
  } else {
    chip.append(label);
  }

  const facts: string[] = [];
  if (view.kind === 'audio' && typeof view.seconds === 'number') facts.push(formatDuration(view.seconds));
  if (typeof view.tokens === 'number' && Number.isFinite(view.tokens)) facts.push(`${formatTokens(view.tokens)} tokens`);
  if (facts.length > 0) chip.append(el('span', 'attachment-meta', facts.join(' · ')));

  const audio = view.kind === 'audio' ? safeDataUrl(view.audio, 'audio') : undefined;
  if (audio) {
    const player = el('audio', 'attachment-audio');
    player.controls = true;
    player.preload = 'metadata';
    player.src = audio;
    player.setAttribute('aria-label', `Play ${view.label}`);
    chip.append(player);
  }

  if (actions.onRemove) {
    const remove = iconButton('attachment-remove', 'close', `Remove ${view.label}`, () => actions.onRemove?.(view.id));
    chip.append(remove);
  }
  return chip;
}
