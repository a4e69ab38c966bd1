import { el } from '../dom';
import { icon, type IconName } from '../icons';
import type { ToolCallState, ToolCallView } from '../protocol';
import type { PostToHost } from '../vscodeApi';
import { renderDiff } from './diff';
import type { FrameScheduler } from './streamingMarkdown';

/** Command output kept in the card; older output is dropped (the host keeps the full log). */
export const MAX_OUTPUT_CHARS = 20_000;

const stateLabels: Record<ToolCallState, string> = {
  'pending-approval': 'Waiting for approval',
  approved: 'Approved',
  denied: 'Denied',
  running: 'Running…',
  done: 'Done',
  failed: 'Failed',
};

const stateIcons: Record<ToolCallState, IconName> = {
  'pending-approval': 'chevron',
  approved: 'check',
  denied: 'cross',
  running: 'spinner',
  done: 'check',
  failed: 'cross',
};

/**
 * One tool call: what the model wants to do, its approval buttons while pending, the
 * command's output while it runs, and the outcome. Updates replace the card's fields in
 * place; output only ever appends.
 */
export class ToolCard {
  readonly element: HTMLElement;
  private view: ToolCallView;
  private readonly toggle: HTMLButtonElement;
  private readonly stateIcon: HTMLElement;
  private readonly name: HTMLElement;
  private readonly title: HTMLElement;
  private readonly stateLabel: HTMLElement;
  private readonly body: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly why: HTMLElement;
  private readonly output: HTMLPreElement;
  private readonly outputText: Text;
  private readonly outputTrimmed: HTMLElement;
  private readonly result: HTMLElement;
  private readonly actions: HTMLElement;
  /** Once the user opens or closes the card, state changes no longer do it for them. */
  private userToggled = false;
  private renderedDetail: string | undefined;
  /** Output follows its end until the user scrolls up in it. */
  private followOutput = true;
  private scrollScheduled = false;

  constructor(
    view: ToolCallView,
    private readonly post: PostToHost,
    private readonly schedule: FrameScheduler = (callback) => callback(),
  ) {
    this.view = view;
    this.element = el('div', 'tool-card');
    this.element.dataset.callId = view.id;
    const head = el('div', 'tool-head');
    this.toggle = el('button', 'tool-toggle');
    this.toggle.type = 'button';
    this.stateIcon = el('span', 'tool-state-icon');
    this.name = el('span', 'tool-name');
    this.title = el('span', 'tool-title');
    this.stateLabel = el('span', 'tool-state');
    this.toggle.append(this.stateIcon, this.title, this.name);
    this.toggle.addEventListener('click', () => {
      this.userToggled = true;
      this.setOpen(this.toggle.getAttribute('aria-expanded') !== 'true');
    });
    head.append(this.toggle, this.stateLabel);

    this.body = el('div', 'tool-body');
    this.body.id = `tool-body-${view.id.replace(/[^\w-]/g, '_')}`;
    this.toggle.setAttribute('aria-controls', this.body.id);
    this.detail = el('div', 'tool-detail');
    this.output = el('pre', 'tool-output');
    this.output.tabIndex = 0;
    this.output.setAttribute('aria-label', 'Command output');
    this.output.addEventListener('scroll', () => {
      this.followOutput = this.output.scrollHeight - this.output.scrollTop - this.output.clientHeight < 16;
    });
    this.outputTrimmed = el('span', 'tool-output-trimmed', '… earlier output trimmed\n');
    this.outputTrimmed.hidden = true;
    this.outputText = document.createTextNode('');
    this.output.append(this.outputTrimmed, this.outputText);
    this.result = el('div', 'tool-result');
    this.why = el('div', 'tool-why');
    this.body.append(this.why, this.detail, this.output, this.result);

    this.actions = el('div', 'tool-actions');
    this.element.append(head, this.body, this.actions);
    if (view.output) this.appendOutput(view.output);
    this.render();
  }

  get state(): ToolCallState {
    return this.view.state;
  }

  update(view: ToolCallView): void {
    this.view = { ...view, output: undefined };
    if (view.output !== undefined && view.output !== this.outputText.data) {
      this.outputText.data = '';
      this.outputTrimmed.hidden = true;
      this.appendOutput(view.output);
    }
    this.render();
  }

  appendOutput(chunk: string): void {
    if (!chunk) return;
    this.outputText.appendData(chunk);
    // Trimming only once the text is well past the cap keeps this O(1) per chunk on average.
    if (this.outputText.length > MAX_OUTPUT_CHARS * 1.5) {
      this.outputText.data = this.outputText.data.slice(-MAX_OUTPUT_CHARS);
      this.outputTrimmed.hidden = false;
    }
    this.output.hidden = false;
    // One scroll per frame, not one layout per chunk.
    if (!this.followOutput || this.scrollScheduled) return;
    this.scrollScheduled = true;
    this.schedule(() => {
      this.scrollScheduled = false;
      if (this.followOutput) this.output.scrollTop = this.output.scrollHeight;
    });
  }

  private render(): void {
    const { view } = this;
    this.element.dataset.state = view.state;
    if (view.category) this.element.dataset.category = view.category;
    this.stateIcon.replaceChildren(icon(stateIcons[view.state]));
    this.name.textContent = view.name;
    this.title.textContent = view.title;
    this.stateLabel.textContent = stateLabels[view.state];
    this.toggle.setAttribute('aria-label', `${view.title} (${view.name}): ${stateLabels[view.state]}`);

    if (view.detail !== this.renderedDetail) {
      this.renderedDetail = view.detail;
      this.detail.replaceChildren();
      if (view.detail) this.detail.append(this.renderDetail(view.detail));
    }
    this.detail.hidden = !view.detail;
    this.why.textContent = view.state === 'pending-approval' && view.why ? `Asks because ${view.why}.` : '';
    this.why.hidden = this.why.textContent === '';
    this.output.hidden = this.outputText.length === 0;
    this.result.textContent = view.result ?? '';
    this.result.hidden = !view.result;
    this.result.classList.toggle('tool-result-error', view.state === 'failed' || view.state === 'denied');

    this.actions.replaceChildren();
    if (view.state === 'pending-approval') {
      const approve = this.actionButton('tool-approve', 'Approve', () => this.post('approve', { callId: view.id }), true);
      approve.classList.add('primary');
      this.actions.append(approve, this.actionButton('tool-deny', 'Deny', () => this.post('deny', { callId: view.id }), true));
    }
    if (view.category === 'edit' && view.state !== 'denied') {
      this.actions.append(this.actionButton('tool-view-diff', 'View diff', () => this.post('viewDiff', { callId: view.id })));
    }
    this.actions.hidden = this.actions.childElementCount === 0;

    if (!this.userToggled) this.setOpen(view.state !== 'done' && view.state !== 'approved' && view.state !== 'denied');
  }

  private renderDetail(detail: string): HTMLElement {
    if (this.view.category === 'edit' && /^(@@|---|\+\+\+|diff )/m.test(detail)) return renderDiff(detail);
    if (this.view.category === 'command') {
      const pre = el('pre', 'tool-command');
      pre.append(el('span', 'tool-prompt', '$ '), detail);
      return pre;
    }
    return el('pre', 'tool-text', detail);
  }

  /** Approve and Deny are one decision: after either click both wait for the host's new state. */
  private actionButton(className: string, label: string, onClick: () => void, decision = false): HTMLButtonElement {
    const node = el('button', `tool-action ${className}`, label);
    node.type = 'button';
    node.addEventListener('click', () => {
      if (decision) for (const other of this.actions.querySelectorAll<HTMLButtonElement>('button.tool-decision')) other.disabled = true;
      onClick();
    });
    if (decision) node.classList.add('tool-decision');
    return node;
  }

  private setOpen(open: boolean): void {
    this.body.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.element.classList.toggle('open', open);
  }
}
