import { AttachmentStrip } from './attachments';
import { el } from './dom';
import { icon, iconButton } from './icons';
import { imageFiles, readImage } from './imageInput';
import { MentionCompletion } from './mentions';
import { MAX_TEXT, type ChatMode, type NoticeLevel } from './protocol';
import { RecordingIndicator } from './recording';
import type { PostToHost } from './vscodeApi';

export interface Draft {
  text: string;
  /** Paths picked from @ completion, sent as mentions while "@path" stays in the text. */
  mentions: string[];
}

export interface ComposerOptions {
  post: PostToHost;
  draft: Draft;
  onDraftChange: (draft: Draft) => void;
  notify: (level: NoticeLevel, text: string) => void;
}

/** True for the keydown that should send: Enter alone, never while an IME is composing. */
export function isSendKey(event: KeyboardEvent): boolean {
  // keyCode 229 is what some IMEs report for the Enter that confirms a composition.
  return event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.isComposing && event.keyCode !== 229;
}

/**
 * The input area: attachments waiting to be sent, the recording indicator, a growing text
 * box (Enter sends, Shift+Enter breaks the line), buttons to attach context, and Send or
 * Stop depending on whether a reply is streaming.
 */
export class Composer {
  readonly element: HTMLElement;
  readonly input: HTMLTextAreaElement;
  readonly attachments: AttachmentStrip;
  readonly recording: RecordingIndicator;
  readonly mentions: MentionCompletion;
  private readonly send: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;
  private readonly mic: HTMLButtonElement;
  private readonly modeButton: HTMLButtonElement;
  /** Agent: reads, edits, runs. Ask: reads only and answers with a plan. */
  private mode: ChatMode = 'agent';
  /** The sent message being edited: the next send replaces it. */
  private editing: string | undefined;
  private readonly editBanner: HTMLElement;
  private picked = new Set<string>();
  private busy = false;

  constructor(private readonly options: ComposerOptions) {
    const { post } = options;
    this.element = el('div', 'composer-area');
    this.input = el('textarea', 'composer-input');
    this.input.rows = 2;
    this.input.placeholder = 'Ask Gemma Agent… (@ to mention a file)';
    this.input.setAttribute('aria-label', 'Message. Enter sends, Shift+Enter starts a new line, @ mentions a file.');
    this.input.value = options.draft.text;
    this.picked = new Set(options.draft.mentions);

    this.attachments = new AttachmentStrip(post, () => this.input.focus());
    this.recording = new RecordingIndicator(post);
    this.mentions = new MentionCompletion(this.input, post, (path) => {
      this.picked.add(path);
      this.saveDraft();
    });

    this.send = el('button', 'composer-send');
    this.send.type = 'submit';
    this.send.title = 'Send (Enter)';
    this.send.setAttribute('aria-label', 'Send');
    this.send.append(icon('send'), el('span', 'icon-button-text', 'Send'));
    this.stop = el('button', 'composer-stop');
    this.stop.type = 'button';
    this.stop.title = 'Stop the reply';
    this.stop.setAttribute('aria-label', 'Stop');
    this.stop.append(icon('stop'), el('span', 'icon-button-text', 'Stop'));
    this.stop.hidden = true;
    this.stop.addEventListener('click', () => post('stop', {}));

    this.editBanner = el('div', 'composer-editing');
    this.editBanner.hidden = true;
    const cancelEdit = iconButton('composer-edit-cancel', 'stop', 'Stop editing (Esc)', () => this.endEdit(), 'Cancel');
    this.editBanner.append(el('span', undefined, 'Editing a sent message: sending replaces it, and what came after it.'), cancelEdit);

    this.modeButton = el('button', 'composer-mode');
    this.modeButton.type = 'button';
    this.modeButton.addEventListener('click', () => this.setMode(this.mode === 'agent' ? 'ask' : 'agent'));
    this.setMode('agent');

    this.mic = iconButton('composer-mic', 'mic', 'Record a voice request', () => this.toggleRecording());
    this.mic.setAttribute('aria-pressed', 'false');
    const tools = el('div', 'composer-tools');
    tools.append(
      iconButton('composer-attach-selection', 'selection', 'Attach the editor selection', () => post('attachSelection', {})),
      iconButton('composer-attach-file', 'file', 'Attach the current file', () => post('attachFile', {})),
      iconButton('composer-attach-image', 'image', 'Attach an image…', () => post('pickImage', {})),
      this.mic,
    );
    const bar = el('div', 'composer-bar');
    bar.append(tools, this.modeButton, this.send, this.stop);

    const form = el('form', 'composer');
    const box = el('div', 'composer-box');
    box.append(this.input, bar);
    form.append(this.mentions.list, box);
    this.element.append(this.editBanner, this.attachments.element, this.recording.element, form);

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.input.addEventListener('input', () => this.saveDraft());
    this.input.addEventListener('paste', (event) => this.onPaste(event));
    this.element.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      this.element.classList.add('drop-target');
    });
    this.element.addEventListener('dragleave', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.element.classList.remove('drop-target');
    });
    this.element.addEventListener('drop', (event) => {
      this.element.classList.remove('drop-target');
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      this.takeImages(event.dataTransfer);
    });
  }

  /** "Edit" on a sent message: its text comes into the box, and the next send replaces it. */
  beginEdit(messageId: string, text: string): void {
    this.editing = messageId;
    this.editBanner.hidden = false;
    this.input.value = text;
    this.input.focus();
  }

  private endEdit(): void {
    this.editing = undefined;
    this.editBanner.hidden = true;
  }

  /** Switches between Agent and Ask; the button says which one the next message uses. */
  setMode(mode: ChatMode): void {
    this.mode = mode;
    this.modeButton.textContent = mode === 'agent' ? 'Agent' : 'Ask';
    this.modeButton.dataset.mode = mode;
    this.modeButton.setAttribute('aria-pressed', String(mode === 'ask'));
    const what = mode === 'agent' ? 'Agent mode: reads, edits and runs commands (with your approvals)' : 'Ask mode: only reads, and answers with a plan you can run in Agent mode';
    this.modeButton.title = `${what}. Click to switch.`;
    this.modeButton.setAttribute('aria-label', what);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.send.hidden = busy;
    this.stop.hidden = !busy;
  }

  /** Mirrors the host's recorder on the mic button. */
  updateMic(): void {
    const active = this.recording.active;
    this.mic.setAttribute('aria-pressed', String(active));
    this.mic.classList.toggle('recording', active);
    const label = active ? 'Stop recording' : 'Record a voice request';
    this.mic.title = label;
    this.mic.setAttribute('aria-label', label);
    this.mic.disabled = this.recording.state === 'processing';
  }

  focus(): void {
    this.input.focus();
  }

  submit(): void {
    const text = this.input.value.trim();
    const attachmentIds = this.attachments.ids;
    if (!text && attachmentIds.length === 0) return;
    if (this.busy) {
      this.options.notify('info', 'A reply is still streaming: wait for it or press Stop.');
      return;
    }
    if (text.length > MAX_TEXT) {
      this.options.notify('error', `The message is too long (${text.length.toLocaleString()} characters; at most ${MAX_TEXT.toLocaleString()}).`);
      return;
    }
    const mentions = [...this.picked].filter((path) => text.includes(`@${path}`));
    if (this.editing) {
      if (!text) return;
      this.options.post('editMessage', { messageId: this.editing, text });
      this.endEdit();
    } else {
      this.options.post('send', { text, attachmentIds, mentions, mode: this.mode });
    }
    // Sent attachments are consumed by the host; the next message starts with none.
    this.attachments.clear();
    this.input.value = '';
    this.picked.clear();
    this.mentions.close();
    this.saveDraft();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (this.mentions.handleKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape' && this.recording.active) {
      event.preventDefault();
      this.options.post('stopRecording', { cancel: true });
      return;
    }
    if (event.key === 'Escape' && this.editing) {
      event.preventDefault();
      this.endEdit();
      this.input.value = '';
      return;
    }
    if (isSendKey(event)) {
      event.preventDefault();
      this.submit();
    }
  }

  private toggleRecording(): void {
    if (this.recording.active) this.options.post('stopRecording', { cancel: false });
    else this.options.post('startRecording', {});
  }

  private onPaste(event: ClipboardEvent): void {
    const { images } = imageFiles(event.clipboardData);
    // Text pastes go through untouched; only images are taken over.
    if (images.length === 0) return;
    event.preventDefault();
    this.takeImages(event.clipboardData);
  }

  private takeImages(transfer: DataTransfer | null): void {
    const { images, others } = imageFiles(transfer);
    if (others > 0) this.options.notify('warning', 'Only PNG and JPEG images can be attached here; use the attach buttons for files.');
    for (const file of images) {
      void readImage(file).then((read) => {
        if (!read.ok) return this.options.notify('error', read.error);
        const { mime, base64, name } = read;
        this.options.post('pasteImage', name ? { mime, base64, name } : { mime, base64 });
      });
    }
  }

  private saveDraft(): void {
    this.options.onDraftChange({ text: this.input.value, mentions: [...this.picked] });
  }
}
