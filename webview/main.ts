import type { ChatMessageView, EngineStateView, HostAction, HostMessage } from './protocol';
import { connect } from './vscodeApi';

interface SavedState {
  draft: string;
}

const statusText: Record<EngineStateView['status'], string> = {
  'not-configured': 'No model configured',
  stopped: 'Engine stopped',
  starting: 'Engine starting',
  ready: 'Ready',
  failed: 'Engine failed',
  remote: 'Remote engine',
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const root = document.getElementById('app');
if (!root) throw new Error('The chat view markup is missing its #app element.');

const status = el('section', 'engine-state');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');
const log = el('div', 'messages');
log.setAttribute('role', 'log');
log.setAttribute('aria-label', 'Conversation');
const form = el('form', 'composer');
const input = el('textarea', 'composer-input');
input.rows = 3;
input.placeholder = 'Ask Gemma Agent… (Enter to send, Shift+Enter for a new line)';
input.setAttribute('aria-label', 'Message');
const send = el('button', 'composer-send', 'Send');
send.type = 'submit';
const stop = el('button', 'composer-stop', 'Stop');
stop.type = 'button';
stop.hidden = true;
stop.addEventListener('click', () => api.postMessage({ type: 'stop', payload: {} }));
form.append(input, send, stop);
root.append(status, log, form);

const messages = new Map<string, HTMLElement>();

const api = connect<SavedState>(handle);
input.value = api.getState()?.draft ?? '';

function actionButton(label: string, action: HostAction): HTMLButtonElement {
  const button = el('button', 'action', label);
  button.type = 'button';
  button.addEventListener('click', () => api.postMessage({ type: 'action', payload: { action } }));
  return button;
}

function renderState(state: EngineStateView): void {
  status.replaceChildren();
  status.dataset.status = state.status;
  const title = el('div', 'engine-title', statusText[state.status] + (state.model ? ` · ${state.model}` : ''));
  status.append(title);
  if (state.detail) status.append(el('div', 'engine-detail', state.detail));
  if (state.progress !== undefined) {
    const bar = el('progress');
    bar.max = 1;
    bar.value = state.progress;
    status.append(bar);
  }
  const actions = el('div', 'engine-actions');
  if (state.status === 'not-configured') actions.append(actionButton('Download recommended model', 'downloadRecommended'), actionButton('Choose model file…', 'openSettings'));
  if (state.status === 'failed') actions.append(actionButton('Open log', 'openLog'), actionButton('Settings', 'openSettings'), actionButton('Retry', 'startEngine'));
  if (state.status === 'stopped') actions.append(actionButton('Start engine', 'startEngine'));
  if (actions.childElementCount > 0) status.append(actions);
}

function appendMessage(message: ChatMessageView): void {
  const item = el('div', `message message-${message.role}`);
  item.append(el('div', 'message-role', message.role === 'user' ? 'You' : message.role === 'assistant' ? 'Gemma' : 'Error'));
  item.append(el('div', 'message-text', message.text));
  messages.set(message.id, item);
  log.append(item);
  item.scrollIntoView({ block: 'end' });
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'engineState':
      renderState(message.payload);
      break;
    case 'restore':
      log.replaceChildren();
      messages.clear();
      message.payload.messages.forEach(appendMessage);
      break;
    case 'appendMessage':
      appendMessage(message.payload);
      break;
    case 'appendDelta': {
      const text = messages.get(message.payload.id)?.querySelector('.message-text');
      if (text) text.textContent += message.payload.delta;
      break;
    }
    case 'endMessage':
      messages.get(message.payload.id)?.classList.add('done');
      break;
    case 'busy':
      send.hidden = message.payload.busy;
      stop.hidden = !message.payload.busy;
      break;
    case 'clear':
      log.replaceChildren();
      messages.clear();
      break;
  }
}

function submit(): void {
  const text = input.value.trim();
  if (!text) return;
  api.postMessage({ type: 'send', payload: { text } });
  input.value = '';
  api.setState({ draft: '' });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit();
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
// The draft survives the view being hidden and shown again.
input.addEventListener('input', () => api.setState({ draft: input.value }));

api.postMessage({ type: 'ready', payload: {} });
