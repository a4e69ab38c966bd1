import { button, el, formatDuration } from './dom';
import type { RecordingView } from './protocol';
import type { PostToHost } from './vscodeApi';

/**
 * Shows what the host's recorder is doing (webviews cannot open the microphone, so the
 * host records): a timer and a level meter it feeds a few times a second, Stop and Cancel.
 */
export class RecordingIndicator {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly meter: HTMLElement;
  private readonly level: HTMLElement;
  private readonly stop: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private current: RecordingView = { state: 'idle' };

  constructor(post: PostToHost) {
    this.element = el('div', 'recording');
    this.element.hidden = true;
    const dot = el('span', 'recording-dot');
    dot.setAttribute('aria-hidden', 'true');
    this.label = el('span', 'recording-label');
    this.label.setAttribute('role', 'status');
    this.meter = el('div', 'recording-meter');
    this.meter.setAttribute('role', 'meter');
    this.meter.setAttribute('aria-label', 'Microphone level');
    this.meter.setAttribute('aria-valuemin', '0');
    this.meter.setAttribute('aria-valuemax', '100');
    this.level = el('div', 'recording-level');
    this.meter.append(this.level);
    this.stop = button('action recording-stop', 'Stop', () => post('stopRecording', { cancel: false }));
    this.cancel = button('action recording-cancel', 'Cancel', () => post('stopRecording', { cancel: true }));
    this.element.append(dot, this.label, this.meter, this.stop, this.cancel);
  }

  /** True while the microphone is open or opening. */
  get active(): boolean {
    return this.current.state === 'starting' || this.current.state === 'recording';
  }

  get state(): RecordingView['state'] {
    return this.current.state;
  }

  update(view: RecordingView): void {
    this.current = view;
    this.element.hidden = view.state === 'idle';
    this.element.dataset.state = view.state;
    const seconds = formatDuration(view.seconds ?? 0);
    const limit = view.maxSeconds ? ` / ${formatDuration(view.maxSeconds)}` : '';
    this.label.textContent = view.state === 'starting' ? 'Starting microphone…' : view.state === 'processing' ? 'Preparing the clip…' : `Recording ${seconds}${limit}`;
    const level = Math.min(1, Math.max(0, Number.isFinite(view.level) ? (view.level as number) : 0));
    // CSSOM (not a style attribute) so the strict CSP allows it.
    this.level.style.transform = `scaleX(${level})`;
    this.meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    this.meter.hidden = view.state !== 'recording';
    this.stop.hidden = !this.active;
    this.cancel.hidden = view.state === 'processing';
  }
}
